"""Drawing the overlay on a video frame: skeleton, angle gauge, rep panel, fault captions.

Shapes are drawn with OpenCV (anti-aliased), text with Pillow in DejaVu Sans, the font
matplotlib ships. Frames are RGB ``uint8`` arrays and are drawn on in place. Sizes scale
with the picture, so a 360p phone clip and a 1080p one look alike.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import cv2
import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from upperback.pose.landmarks import SKELETON_EDGES, Landmark
from upperback.report.timeline import Caption, Moment

RGB = tuple[int, int, int]

SMALL_PICTURE_PX = 480
"""Pictures whose shorter side is below this get fewer words on them."""

SEVERITY_RGB: dict[str, RGB] = {"info": (96, 165, 250), "warning": (251, 176, 59), "error": (239, 68, 68)}
"""Caption and gauge colours by fault severity."""
ACCENT: RGB = (45, 212, 191)
WHITE: RGB = (255, 255, 255)
MUTED: RGB = (190, 198, 208)
DARK: RGB = (17, 24, 39)
LEFT_RGB: RGB = (251, 146, 60)
RIGHT_RGB: RGB = (56, 189, 248)
CENTRE_RGB: RGB = (235, 235, 235)

_LEFT = {lm for lm in Landmark if lm.name.startswith("LEFT_")}
_RIGHT = {lm for lm in Landmark if lm.name.startswith("RIGHT_")}


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (regular or bold) at ``size`` pixels, from matplotlib's bundled fonts."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), size)


@dataclass(frozen=True)
class GaugeDraw:
    """A dial next to a joint: ``value`` on the scale ``low``–``high`` with ``label`` under it."""

    anchor: tuple[float, float]
    centre: tuple[float, float]
    value: float
    low: float
    high: float
    label: str
    text: str
    colour: RGB


@dataclass
class Painter:
    """Draws overlay elements on frames of one size; text is queued and drawn by :meth:`flush`."""

    width: int
    height: int
    _texts: list[tuple] = field(default_factory=list, repr=False)
    _dark_plane: np.ndarray | None = field(default=None, repr=False)

    @property
    def scale(self) -> float:
        return min(self.width, self.height) / 720

    def px(self, size: float, least: float = 1.0) -> int:
        """A length of ``size`` pixels at 720p, scaled to this picture, at least ``least``."""
        return int(round(max(size * self.scale, least)))

    def font_px(self, size: float) -> int:
        return self.px(size, least=10)

    @property
    def gauge_radius(self) -> int:
        return self.px(46, least=20)

    # ------------------------------------------------------------------ skeleton

    def skeleton(
        self, rgb: np.ndarray, points: np.ndarray, seen: np.ndarray, highlight: Sequence[tuple[int, int]] = ()
    ) -> None:
        """Bones (left side orange, right blue) and joints of the landmarks ``seen``;
        ``highlight`` pairs are drawn thicker in the accent colour."""
        bone = self.px(3, least=2)
        outline = bone + self.px(2, least=1)
        joint = self.px(5, least=2)

        def xy(lm: int) -> tuple[int, int]:
            return int(round(points[lm, 0])), int(round(points[lm, 1]))

        edges: list[tuple[int, int]] = [(a, b) for a, b in SKELETON_EDGES if seen[a] and seen[b]]
        for a, b in edges:
            cv2.line(rgb, xy(a), xy(b), DARK, outline, cv2.LINE_AA)
        for a, b in edges:
            colour = LEFT_RGB if {a, b} <= _LEFT else RIGHT_RGB if {a, b} <= _RIGHT else CENTRE_RGB
            cv2.line(rgb, xy(a), xy(b), colour, bone, cv2.LINE_AA)
        for a, b in highlight:
            if seen[a] and seen[b]:
                cv2.line(rgb, xy(a), xy(b), DARK, outline + self.px(3), cv2.LINE_AA)
                cv2.line(rgb, xy(a), xy(b), ACCENT, bone + self.px(3), cv2.LINE_AA)
        drawn = {lm for edge in edges for lm in edge} | {lm for edge in highlight for lm in edge if seen[lm]}
        for lm in drawn:
            cv2.circle(rgb, xy(lm), joint + 1, DARK, -1, cv2.LINE_AA)
            cv2.circle(rgb, xy(lm), joint, WHITE, -1, cv2.LINE_AA)

    # ------------------------------------------------------------------ gauge

    def gauge_margin(self, label: str) -> tuple[float, float]:
        """Least distance (x, y) of a gauge's centre from the picture's edges, so that its disc
        and its label stay inside."""
        disc = self.gauge_radius * 1.3
        return max(disc, font(self.font_px(13)).getlength(label) / 2 + self.px(4, least=2)), disc

    def gauge(self, rgb: np.ndarray, gauge: GaugeDraw) -> None:
        """A half-dial filled up to the value (from zero on a scale centred on zero), the
        number in its middle, a leader line to the joint it measures."""
        r = self.gauge_radius
        cx, cy = (int(round(v)) for v in gauge.centre)
        ax, ay = (int(round(v)) for v in gauge.anchor)
        thick = max(3, r // 5)
        direction = np.array([ax - cx, ay - cy], float)
        distance = float(np.linalg.norm(direction))
        if distance > r * 1.3:
            start = np.array([cx, cy]) + direction / distance * r * 1.25
            cv2.line(rgb, (int(start[0]), int(start[1])), (ax, ay), WHITE, self.px(2, least=1), cv2.LINE_AA)
        cv2.circle(rgb, (ax, ay), self.px(8, least=3), gauge.colour, self.px(3, least=1), cv2.LINE_AA)
        self.shade_disc(rgb, (cx, cy), int(r * 1.25), 0.62)
        cv2.ellipse(rgb, (cx, cy), (r, r), 0, 180, 360, (75, 85, 99), thick, cv2.LINE_AA)
        if np.isfinite(gauge.value):
            fraction = float(np.clip((gauge.value - gauge.low) / (gauge.high - gauge.low), 0.0, 1.0))
            origin = 270.0 if gauge.low == -gauge.high else 180.0
            end = 180.0 + 180.0 * fraction
            if abs(end - origin) >= 1:
                cv2.ellipse(
                    rgb, (cx, cy), (r, r), 0, min(origin, end), max(origin, end), gauge.colour, thick, cv2.LINE_AA
                )
            tip = (int(round(cx + r * np.cos(np.radians(end)))), int(round(cy + r * np.sin(np.radians(end)))))
            cv2.circle(rgb, tip, thick // 2 + self.px(2, least=1), WHITE, -1, cv2.LINE_AA)
        self.text((cx, cy - r * 0.12), gauge.text, self.font_px(26), True, WHITE, "ms")
        self.text((cx, cy + r * 0.12), gauge.label, self.font_px(13), False, MUTED, "mt")

    # ------------------------------------------------------------------ panels

    def rep_panel(self, rgb: np.ndarray, moment: Moment, unit: str) -> None:
        """Top-left: reps (or steps) done out of the total; under them the rep under way and
        its phase."""
        margin, pad = self.px(16, least=4), self.px(12, least=4)
        small, big = font(self.font_px(15), True), font(self.font_px(40), True)
        title = unit.upper() + (" DONE" if moment.total else "")
        count = f"{moment.done} / {moment.total}" if moment.total else f"{moment.done}"
        phase = moment.phase.upper()
        if moment.current is not None:
            phase = f"REP {moment.current + 1} · {phase}"
        width = int(max(small.getlength(title), big.getlength(count), small.getlength(phase))) + 2 * pad
        h_small, h_big = _line_height(small), _line_height(big)
        height = pad * 2 + h_small + h_big + (h_small if phase else 0)
        self.shade_box(rgb, margin, margin, margin + width, margin + height, 0.62)
        x, y = margin + pad, margin + pad
        self._texts.append(((x, y), title, small, MUTED, "la"))
        self._texts.append(((x, y + h_small), count, big, WHITE, "la"))
        if phase:
            self._texts.append(((x, y + h_small + h_big), phase, small, ACCENT, "la"))

    @property
    def captions_with_cue(self) -> int:
        """How many captions get their cue spelled out: two, one on small pictures."""
        return 2 if min(self.width, self.height) >= SMALL_PICTURE_PX else 1

    def captions(self, rgb: np.ndarray, captions: list[Caption], with_cue: int | None = None) -> list[str]:
        """Fault captions stacked at the bottom: for the first ``with_cue`` (default
        :attr:`captions_with_cue`), a severity-coloured bar and title over the cue; the others
        by title on one line under them.

        Returns the texts drawn, top to bottom: ``title: cue`` for a full caption, the title
        alone for the others."""
        if not captions:
            return []
        with_cue = self.captions_with_cue if with_cue is None else with_cue
        margin, pad = self.px(16, least=4), self.px(12, least=4)
        bar = self.px(8, least=3)
        title_font, cue_font = font(self.font_px(22), True), font(self.font_px(19))
        box_width = min(self.width - 2 * margin, self.px(980))
        text_width = box_width - 2 * pad - bar
        blocks: list[
            tuple[tuple[int, int, int], list[tuple[str, ImageFont.FreeTypeFont, tuple[int, int, int]]], str | None]
        ] = []
        for caption in captions[:with_cue]:
            lines = [
                (line, title_font, SEVERITY_RGB.get(caption.severity, WHITE))
                for line in _wrap(caption.title, title_font, text_width)
            ]
            lines += [(line, cue_font, WHITE) for line in _wrap(caption.cue, cue_font, text_width)]
            blocks.append((SEVERITY_RGB.get(caption.severity, WHITE), lines, caption.text))
        rest = captions[with_cue:]
        if rest:
            also = "Also: " + ", ".join(c.title for c in rest)
            lines = [(line, cue_font, MUTED) for line in _wrap(also, cue_font, text_width)]
            blocks.append((SEVERITY_RGB.get(rest[0].severity, WHITE), lines, None))
        heights = [2 * pad + sum(_line_height(f) for _, f, _ in lines) for _, lines, _ in blocks]
        gap = self.px(8, least=2)
        y = self.height - margin - sum(heights) - gap * (len(blocks) - 1)
        x0 = (self.width - box_width) // 2
        drawn = []
        for (colour, lines, text), height in zip(blocks, heights):
            self.shade_box(rgb, x0, y, x0 + box_width, y + height, 0.7)
            cv2.rectangle(rgb, (x0, y), (x0 + bar, y + height), colour, -1)
            ty = y + pad
            for line, line_font, line_colour in lines:
                self._texts.append(((x0 + bar + pad, ty), line, line_font, line_colour, "la"))
                ty += _line_height(line_font)
            y += height + gap
            drawn += [text] if text is not None else [c.title for c in rest]
        return drawn

    def note(self, rgb: np.ndarray, text: str) -> None:
        """A small muted note at the top right (e.g. that nobody is visible)."""
        margin, pad = self.px(16, least=4), self.px(8, least=3)
        note_font = font(self.font_px(15))
        width = int(note_font.getlength(text)) + 2 * pad
        height = _line_height(note_font) + 2 * pad
        x1 = self.width - margin
        self.shade_box(rgb, x1 - width, margin, x1, margin + height, 0.55)
        self._texts.append(((x1 - pad, margin + pad), text, note_font, MUTED, "ra"))

    # ------------------------------------------------------------------ primitives

    def text(self, xy: tuple[float, float], text: str, size: int, bold: bool, colour: RGB, anchor: str = "la") -> None:
        self._texts.append((xy, text, font(size, bold), colour, anchor))

    def shade_box(self, rgb: np.ndarray, x0: int, y0: int, x1: int, y1: int, alpha: float) -> None:
        """Darken a rectangle (clipped to the picture) so text on it stays readable."""
        x0, y0 = max(int(x0), 0), max(int(y0), 0)
        x1, y1 = min(int(x1), rgb.shape[1]), min(int(y1), rgb.shape[0])
        if x1 > x0 and y1 > y0:
            region = rgb[y0:y1, x0:x1]
            cv2.addWeighted(region, 1 - alpha, self._dark(rgb)[y0:y1, x0:x1], alpha, 0, dst=region)

    def _dark(self, rgb: np.ndarray) -> np.ndarray:
        """A picture-sized plane of the shading colour, made once."""
        if self._dark_plane is None or self._dark_plane.shape != rgb.shape:
            self._dark_plane = np.empty_like(rgb)
            self._dark_plane[:] = DARK
        return self._dark_plane

    def shade_disc(self, rgb: np.ndarray, centre: tuple[int, int], radius: int, alpha: float) -> None:
        x0, y0 = max(centre[0] - radius, 0), max(centre[1] - radius, 0)
        x1, y1 = min(centre[0] + radius + 1, rgb.shape[1]), min(centre[1] + radius + 1, rgb.shape[0])
        if x1 <= x0 or y1 <= y0:
            return
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.circle(mask, (centre[0] - x0, centre[1] - y0), radius, (255,), -1, cv2.LINE_AA)
        weight = (mask.astype(np.float32) / 255 * alpha)[..., None]
        region = rgb[y0:y1, x0:x1]
        region[:] = (region * (1 - weight) + np.array(DARK, np.float32) * weight).astype(np.uint8)

    def flush(self, rgb: np.ndarray) -> np.ndarray:
        """Draw the queued text onto ``rgb`` and return the picture.

        Only the parts of the picture the text covers (one per cluster of nearby lines) go
        through Pillow; copying the whole frame would cost more than the drawing."""
        texts, self._texts = self._texts, []
        boxes = []
        for (x, y), text, text_font, _, anchor in texts:
            left, top, right, bottom = text_font.getbbox(text, anchor=anchor)
            boxes.append((x + left - 2, y + top - 2, x + right + 2, y + bottom + 2))
        for members in _clusters(boxes, gap=self.px(24, least=8)):
            x0 = max(int(min(boxes[i][0] for i in members)), 0)
            y0 = max(int(min(boxes[i][1] for i in members)), 0)
            x1 = min(int(max(boxes[i][2] for i in members)) + 1, rgb.shape[1])
            y1 = min(int(max(boxes[i][3] for i in members)) + 1, rgb.shape[0])
            if x1 <= x0 or y1 <= y0:
                continue
            image = Image.fromarray(np.ascontiguousarray(rgb[y0:y1, x0:x1]))
            draw = ImageDraw.Draw(image)
            for i in members:
                (x, y), text, text_font, colour, anchor = texts[i]
                draw.text((x - x0, y - y0), text, font=text_font, fill=colour, anchor=anchor)
            rgb[y0:y1, x0:x1] = np.asarray(image)
        return rgb


def _clusters(boxes: list[tuple[float, float, float, float]], gap: float) -> list[list[int]]:
    """Indices of ``boxes`` (x0, y0, x1, y1) grouped so that boxes less than ``gap`` apart,
    directly or through others, share a group."""
    groups: list[tuple[list[float], list[int]]] = []
    for index, box in enumerate(boxes):
        bounds, members = list(box), [index]
        for group in list(groups):
            area = group[0]
            if box[0] - gap < area[2] and area[0] - gap < box[2] and box[1] - gap < area[3] and area[1] - gap < box[3]:
                bounds = [
                    min(bounds[0], area[0]),
                    min(bounds[1], area[1]),
                    max(bounds[2], area[2]),
                    max(bounds[3], area[3]),
                ]
                members += group[1]
                groups.remove(group)
        groups.append((bounds, members))
    return [sorted(members) for _, members in groups]


def _line_height(text_font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = text_font.getmetrics()
    return int((ascent + descent) * 1.08)


def _wrap(text: str, text_font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Lines of ``text`` that fit ``width`` pixels in ``text_font`` (breaking at spaces)."""
    average = max(text_font.getlength("abcdefghijklmnopqrstuvwxyz") / 26, 1.0)
    columns = max(int(width / average), 8)
    while True:
        lines = textwrap.wrap(text, columns) or [""]
        if columns <= 8 or all(text_font.getlength(line) <= width for line in lines):
            return lines
        columns -= 2
