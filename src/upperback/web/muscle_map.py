"""A simple body diagram: front and back outlines with a region for each library muscle.

Regions are SVG path outlines keyed by the library's muscle ids, drawn on the left half of the
body and mirrored to the right (midline shapes are drawn whole). The movement page colours each
region by the muscle's role in the movement (target, synergist, stabiliser).

Coordinates live in a 200 x 400 box per view; :func:`diagram` places the back view beside the
front view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from upperback.library import Library, Movement

WIDTH, HEIGHT, GAP = 200, 400, 24

_HEAD = "M100 11 Q122 11 122 36 Q122 61 100 61 Q78 61 78 36 Q78 11 100 11 Z"
_NECK = "M90 56 L110 56 L112 74 L88 74 Z"
_TORSO = (
    "M88 70 L112 70 L146 84 Q156 90 154 104 L148 150 L142 196 L144 232 L56 232 L58 196 L52 150 L46 104 Q44 90 54 84 Z"
)
_PELVIS = "M56 232 L144 232 L148 262 L100 268 L52 262 Z"
# Left-side parts, mirrored for the right side.
_ARM = "M47 88 Q34 92 32 110 L26 176 L42 178 L52 120 Z"
_FOREARM = "M26 176 L18 250 L32 252 L42 178 Z"
_HAND = "M24 250 Q33 252 32 264 Q30 278 24 278 Q16 278 16 264 Q16 250 24 250 Z"
_LEG = "M52 262 L99 268 L96 392 L64 392 L56 320 Z"

OUTLINE_MIDLINE = [_HEAD, _NECK, _TORSO, _PELVIS]
OUTLINE_SIDES = [_ARM, _FOREARM, _HAND, _LEG]

# (view, left-side or midline outline, mirrored?) per muscle id.
REGIONS: dict[str, list[tuple[str, str, bool]]] = {
    "trapezius-upper": [
        ("back", "M100 52 L100 84 L84 84 L56 88 Q64 82 88 72 L92 58 Z", True),
        ("front", "M90 66 L95 74 L66 86 L58 87 Q70 78 88 70 Z", True),
    ],
    "trapezius-middle": [("back", "M100 84 L100 98 L62 100 L58 90 L84 84 Z", True)],
    "rhomboids": [("back", "M98 100 L98 130 L88 140 L80 128 L80 102 Z", True)],
    "trapezius-lower": [("back", "M98 132 L100 132 L100 176 L96 172 L84 146 L88 140 Z", True)],
    "rotator-cuff": [("back", "M78 102 L62 102 L56 114 L64 132 L78 128 Z", True)],
    "rear-deltoid": [("back", "M56 88 Q44 88 42 100 L46 120 L55 112 L60 96 Z", True)],
    "latissimus-dorsi": [("back", "M56 116 L64 134 L84 148 L94 176 L86 200 L66 196 L54 170 L52 140 Z", True)],
    "erector-spinae": [("back", "M99 178 L99 230 L86 230 L88 202 L94 180 Z", True)],
    "hip-extensors": [
        ("back", "M57 235 L99 237 L99 262 L60 262 L55 248 Z", True),
        ("back", "M58 272 L96 276 L94 340 L66 340 Z", True),
    ],
    "forearm-grip": [
        ("back", "M28 182 L21 246 L31 247 L40 184 Z", True),
        ("front", "M28 182 L21 246 L31 247 L40 184 Z", True),
    ],
    "elbow-flexors": [("front", "M45 96 Q37 100 35 116 L30 168 L40 170 L48 120 Z", True)],
    "core": [
        ("front", "M82 140 L118 140 L121 226 L79 226 Z", False),
        ("front", "M62 158 L78 150 L78 224 L60 226 L57 196 Z", True),
    ],
    "serratus-anterior": [("front", "M55 108 L72 116 L73 144 L59 150 L53 128 Z", True)],
}

ROLE_LABELS = {"target": "Main target", "synergist": "Helps", "stabiliser": "Steadies"}


@dataclass(frozen=True)
class Shape:
    """One drawn region: its muscle (None for the body outline), path and role in the movement."""

    d: str
    muscle_id: str | None = None
    name: str = ""
    role: str | None = None


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    views: list[tuple[str, float, list[Shape]]]
    """(label, x offset, shapes) per view."""
    description: str


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?|[A-Za-z]")


def mirror(d: str) -> str:
    """The path reflected about the body's midline (x -> WIDTH - x); M/L/Q/Z paths only."""
    out, numbers = [], []
    for token in _NUMBER.findall(d):
        if token.isalpha():
            out.append(token)
            continue
        numbers.append(float(token))
        if len(numbers) == 2:
            x, y = numbers
            out.append(f"{WIDTH - x:g} {y:g}")
            numbers = []
    return " ".join(out)


def _both_sides(d: str, mirrored: bool) -> list[str]:
    return [d, mirror(d)] if mirrored else [d]


def outline() -> list[str]:
    """The body silhouette (the same from the front and the back)."""
    return OUTLINE_MIDLINE + [p for d in OUTLINE_SIDES for p in _both_sides(d, True)]


def diagram(library: Library, movement: Movement | None = None) -> Diagram:
    """Front and back views with every mapped muscle, coloured by role in ``movement``."""
    roles = {use.muscle: use.role.value for use in movement.muscles} if movement else {}
    views: list[tuple[str, float, list[Shape]]] = []
    for index, view in enumerate(("front", "back")):
        shapes = [Shape(d) for d in outline()]
        for muscle in library.muscles:
            for region_view, d, mirrored in REGIONS.get(muscle.id, []):
                if region_view == view:
                    shapes += [Shape(p, muscle.id, muscle.name, roles.get(muscle.id)) for p in _both_sides(d, mirrored)]
        views.append((view.capitalize(), index * (WIDTH + GAP), shapes))
    if movement is None:
        description = "Front and back of the body with the upper-back muscles marked."
    else:
        parts = [
            f"{ROLE_LABELS[role].lower()}: "
            + ", ".join(library.muscle(u.muscle).name for u in movement.muscles if u.role.value == role)
            for role in ROLE_LABELS
            if any(u.role.value == role for u in movement.muscles)
        ]
        description = f"Muscles the {movement.name.lower()} trains. " + "; ".join(parts) + "."
    return Diagram(width=2 * WIDTH + GAP, height=HEIGHT, views=views, description=description)


def unmapped_muscles(library: Library) -> list[str]:
    """Library muscle ids the diagram cannot show (should be none)."""
    return [m.id for m in library.muscles if m.id not in REGIONS]
