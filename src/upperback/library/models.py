"""Pydantic models of the movement library.

The library is data (YAML files under ``library/data``); these models define and validate
its shape. Cross-references between files (muscle and action ids, safety-cue ids named by
faults) are checked against the ids passed in the validation context, so that an error points
at the exact file and field.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
"""A kebab-case id such as ``bent-over-row``."""

FaultCode = Annotated[str, StringConstraints(pattern=r"^[a-z]+(_[a-z]+)*$")]
"""A snake_case fault code such as ``torso_too_upright``."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3)]


class Strict(BaseModel):
    """Base for all library models: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Equipment(StrEnum):
    """What a user may have at hand."""

    NONE = "none"
    RESISTANCE_BAND = "resistance-band"
    DUMBBELLS = "dumbbells"
    BARBELL = "barbell"
    KETTLEBELL = "kettlebell"
    HOUSEHOLD_OBJECTS = "household-objects"
    CHAIR = "chair"
    BENCH = "bench"


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Role(StrEnum):
    """What a muscle does in a movement."""

    TARGET = "target"
    SYNERGIST = "synergist"
    STABILISER = "stabiliser"


class View(StrEnum):
    """Where the camera stands relative to the person."""

    SIDE = "side"
    FRONT = "front"
    BACK = "back"
    OBLIQUE = "oblique"

    @property
    def words(self) -> str:
        """Where the camera stood, as a sentence says it: "filmed from {words}"."""
        return {"side": "the side", "front": "the front", "back": "behind", "oblique": "a diagonal (oblique)"}[self]


class Category(StrEnum):
    WARM_UP = "warm-up"
    STRENGTH = "strength"
    LOADED_CARRY = "loaded-carry"
    MOBILITY = "mobility"


class VariantKind(StrEnum):
    STANDARD = "standard"
    EASIER = "easier"
    HARDER = "harder"
    HOME = "home-substitute"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class ActionKind(StrEnum):
    SCAPULAR = "scapular"
    SPINAL = "spinal"
    SHOULDER = "shoulder"
    ELBOW = "elbow"
    HIP = "hip"
    NECK = "neck"
    GRIP = "grip"


def _check_known(value: str, info: ValidationInfo, key: str, what: str) -> str:
    """Raise if ``value`` is not among the ids given in the validation context under ``key``."""
    known = (info.context or {}).get(key)
    if known is not None and value not in known:
        raise ValueError(f"unknown {what} '{value}'; known: {', '.join(sorted(known))}")
    return value


# --------------------------------------------------------------------------- anatomy


class Action(Strict):
    """A joint or segment action, e.g. scapular retraction."""

    id: Slug
    name: Text
    kind: ActionKind
    description: Text


class Muscle(Strict):
    """A muscle (or muscle part) the library teaches."""

    id: Slug
    name: Text
    group: Text = Field(description="The larger muscle it belongs to, e.g. 'Trapezius'.")
    location: Text
    actions: list[Slug] = Field(min_length=1)
    why_it_matters: Text
    desk_note: str | None = None

    @field_validator("actions")
    @classmethod
    def _actions_known(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return [_check_known(v, info, "actions", "action") for v in value]


class Anatomy(Strict):
    actions: list[Action] = Field(min_length=1)
    muscles: list[Muscle] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique_and_linked(self) -> Anatomy:
        _require_unique([a.id for a in self.actions], "action id")
        _require_unique([m.id for m in self.muscles], "muscle id")
        action_ids = {a.id for a in self.actions}
        for muscle in self.muscles:
            for action in muscle.actions:
                if action not in action_ids:
                    raise ValueError(f"muscle '{muscle.id}' names unknown action '{action}'")
        return self


# --------------------------------------------------------------------------- movements


class MuscleUse(Strict):
    muscle: Slug
    role: Role
    note: str | None = None

    @field_validator("muscle")
    @classmethod
    def _muscle_known(cls, value: str, info: ValidationInfo) -> str:
        return _check_known(value, info, "muscles", "muscle")


class ActionUse(Strict):
    action: Slug
    note: str | None = None

    @field_validator("action")
    @classmethod
    def _action_known(cls, value: str, info: ValidationInfo) -> str:
        return _check_known(value, info, "actions", "action")


class EquipmentNeed(Strict):
    """One requirement: any one item of ``any_of`` satisfies it."""

    any_of: list[Equipment] = Field(min_length=1)


class MobilityDose(Strict):
    """How much of a mobility drill a plan prescribes: ``reps`` per set (per side for a
    per-side drill), ``short_reps`` when time is tight, ``rep_s`` seconds one rep takes."""

    reps: int = Field(ge=1)
    short_reps: int = Field(ge=1)
    rep_s: float = Field(gt=0)


class Tempo(Strict):
    """Seconds for the lift, the hold at the top, the lowering and the pause at the bottom of a rep."""

    lift_s: float = Field(ge=0)
    hold_s: float = Field(ge=0)
    lower_s: float = Field(ge=0)
    pause_s: float = Field(default=0.0, ge=0)


class VariantAnalysis(Strict):
    """How the video analysis judges a variant differently from its movement.

    ``thresholds`` maps fault codes to the thresholds the variant sets instead of the
    movement's (only keys the movement's fault has); ``not_judged`` maps fault codes to the
    reason they are no fault in this variant (e.g. quick lowering in a Pendlay row).
    """

    thresholds: dict[FaultCode, dict[str, float]] = Field(default_factory=dict)
    not_judged: dict[FaultCode, Text] = Field(default_factory=dict)


class Variant(Strict):
    """A way to perform the movement: the standard form, an easier or harder one, or a home option.

    ``needs`` lists requirements that must all be met; an empty list means no equipment.
    ``difficulty`` orders variants of one movement from 1 (easiest) to 5 (hardest) for progression.
    """

    id: Slug
    name: Text
    kind: VariantKind
    level: Level
    difficulty: int = Field(ge=1, le=5)
    needs: list[EquipmentNeed] = Field(default_factory=list)
    summary: Text
    how: list[Text] = Field(default_factory=list, description="What changes against the main steps.")
    why: Text
    loaded_hinge: bool = Field(
        default=False,
        description="The trunk holds an unsupported hip hinge under external load (bent-over work); "
        "plans skip it for people who must avoid loaded hinging.",
    )
    per_side: bool = Field(default=False, description="A set is done once for each side; reps and times are per side.")
    analysis: VariantAnalysis | None = None
    dose: MobilityDose | None = Field(default=None, description="A mobility variant's own dose (else the movement's).")
    tempo: Tempo | None = Field(default=None, description="The tempo the variant's card asks for, if it sets one.")


class SafetyCue(Strict):
    """A safety rule. ``coaching_only`` marks a cue that video analysis cannot check."""

    id: Slug
    text: Text
    coaching_only: bool = False


class CameraAdvice(Strict):
    preferred_view: View
    acceptable_views: list[View] = Field(default_factory=list)
    advice: Text


class Fault(Strict):
    """A form fault the video analysis checks.

    ``thresholds`` are read by the movement's ``form/`` module; units are in the key names.
    ``single_frame`` says whether the fault is judged from one frame alone: the form module's
    ``frame_faults`` must then flag it on every frame (``analysis.frame_faults``).
    ``signal`` names the signal a report plots the fault on (``report/key_signals.SIGNALS``);
    without one the fault is shown on the movement's key signal.
    """

    code: FaultCode
    title: Text
    explanation: Text
    cue: Text
    why_it_matters: Text
    enforces: Slug = Field(description="Id of the safety cue this check enforces.")
    severity: Severity
    views: list[View] = Field(min_length=1, description="Camera views in which it can be judged.")
    single_frame: bool = False
    signal: str | None = None
    thresholds: dict[str, float] = Field(default_factory=dict)


class CountingSignal(Strict):
    """A second signal that shows the same reps, for shots where the first one is not seen."""

    signal: str
    direction: int = Field(ge=-1, le=1)
    min_depth: float = Field(gt=0)
    rest_band: float | None = Field(default=None, gt=0)


class PhaseWords(Strict):
    """Words a report's video captions use for the parts of one rep (``report/timeline.py``)."""

    working: Text = Field(description="The way out of rest, e.g. 'pulling'.")
    turn: Text = Field(description="The turning point, e.g. 'top'.")
    returning: Text = Field(description="The way back to rest, e.g. 'lowering'.")


class StepPhases(Strict):
    """The library's step phase names (``steps[].phase``) that live coaching shows for the
    working and the returning part of a rep (``live/counting.py``)."""

    working: Text
    returning: Text


class Counting(Strict):
    """How reps (or cycles) of a movement show in its body signals (see ``form/reps.py``).

    ``signal`` names a body signal (``kinematics/signals.py``); ``direction`` is -1 when the
    working phase lowers it, +1 when it raises it; ``min_depth`` is the smallest excursion
    from rest that counts, in the signal's unit (the absolute floor); ``relative_depth`` the
    share of the set's own recent range (5th to 95th percentile) a rep must also reach. Reps
    count only while ``gate_signal`` stays below ``gate_max`` (e.g. the torso stays hinged);
    once below it, the position is left only past ``gate_max + gate_hysteresis``.
    When ``restart_signal`` (a signal that holds a side, such as which side is on top) changes,
    the working stretch restarts: the person turned over to work the other side.
    ``alternatives`` are read, in order, in a shot where ``signal`` is too rarely seen.
    ``phase_words`` caption a rep in a report's video, ``step_phases`` in live coaching.
    ``standing_torso_deg`` is the torso angle at which a live set ends because the person
    stood up; a movement gated on the torso angle stands up past its gate instead.
    ``rest_band`` (signal units) is how close to its rest level the signal counts as resting,
    where that is set by the pose model's noise rather than by the depth of a rep (default:
    ``form.reps.RepRules.settle_fraction`` of ``min_depth``); alternatives may have their own.
    """

    signal: str
    direction: int = Field(ge=-1, le=1)
    min_depth: float = Field(gt=0)
    rest_band: float | None = Field(default=None, gt=0)
    relative_depth: float = Field(default=0.0, ge=0, lt=1)
    gate_signal: str | None = None
    gate_max: float | None = None
    gate_hysteresis: float = Field(default=0.0, ge=0)
    restart_signal: str | None = None
    min_rep_s: float = 0.6
    max_rep_s: float = 12.0
    alternatives: list[CountingSignal] = Field(default_factory=list)
    phase_words: PhaseWords
    step_phases: StepPhases
    standing_torso_deg: float | None = Field(default=None, gt=0, le=90)

    @model_validator(mode="after")
    def _knows_when_standing(self) -> Counting:
        if self.standing_torso_deg is None and not (self.gate_signal == "torso_deg" and self.gate_max is not None):
            raise ValueError(
                "needs 'standing_torso_deg' (the torso angle at which a live set ends) "
                "when reps are not gated on the torso angle"
            )
        return self

    @property
    def main_signal(self) -> CountingSignal:
        """The main counting signal, in the form of its alternatives."""
        return CountingSignal(
            signal=self.signal, direction=self.direction, min_depth=self.min_depth, rest_band=self.rest_band
        )

    @property
    def stood_up_torso_deg(self) -> float:
        """The torso angle above horizontal taken as standing up, ending a live set: where the
        working position is left (past the gate and its hysteresis) when no other is given."""
        if self.standing_torso_deg is not None:
            return self.standing_torso_deg
        assert self.gate_max is not None
        return self.gate_max + self.gate_hysteresis


class RecognitionFeature(StrEnum):
    """What ``form/recognise.py`` measures of a whole video (medians over the frames)."""

    TORSO_DEG = "torso_deg"
    HIP_DEG = "hip_deg"
    KNEE_DEG = "knee_deg"
    ELBOW_RANGE_DEG = "elbow_range_deg"
    ARM_SPREAD_RANGE_DEG = "arm_spread_range_deg"
    ARM_SPREAD_BEYOND_ELBOW_RANGE_DEG = "arm_spread_beyond_elbow_range_deg"
    ELBOW_BEYOND_ARM_SPREAD_RANGE_DEG = "elbow_beyond_arm_spread_range_deg"
    HANDS_BELOW_SHOULDERS_RATIO = "hands_below_shoulders_ratio"
    LYING_ON_SIDE = "lying_on_side"
    TRAVEL = "travel"


class RecognitionTerm(Strict):
    """One factor of a movement's recognition score, from 0 to 1.

    Exactly one of: ``between`` (1 inside ``[low, high]``, else 0), ``near`` with ``tolerance``
    (1 at ``near``, falling linearly to 0 at ``tolerance`` away), ``ramp`` (0 below ``low``,
    1 above ``high``, linear between), or ``any_of`` (the best of several terms). The result is
    scaled by ``weight``; with ``against`` the factor is one minus that (it counts against).
    """

    feature: RecognitionFeature | None = None
    between: tuple[float, float] | None = None
    near: float | None = None
    tolerance: float | None = Field(default=None, gt=0)
    ramp: tuple[float, float] | None = None
    any_of: list[RecognitionTerm] | None = Field(default=None, min_length=2)
    weight: float = Field(default=1.0, gt=0, le=1)
    against: bool = False

    @model_validator(mode="after")
    def _one_shape(self) -> RecognitionTerm:
        shapes = [name for name in ("between", "near", "ramp", "any_of") if getattr(self, name) is not None]
        if len(shapes) != 1:
            raise ValueError(
                f"give exactly one of between, near, ramp or any_of (found: {', '.join(shapes) or 'none'})"
            )
        if (self.any_of is None) == (self.feature is None):
            raise ValueError("'feature' goes with between, near or ramp, and not with any_of")
        if (self.near is None) != (self.tolerance is None):
            raise ValueError("'near' needs a 'tolerance'")
        if self.ramp is not None and self.ramp[0] == self.ramp[1]:
            raise ValueError("a ramp needs two different ends")
        return self


class Recognition(Strict):
    """How ``--exercise auto`` tells this movement: the product of ``posture`` (how the body is
    held) and ``motion`` (what moves) terms. The ``fallback`` movement is chosen when no movement
    wins clearly but its posture fits fully (a hinged hold analyses as a 0-rep row)."""

    posture: list[RecognitionTerm] = Field(min_length=1)
    motion: list[RecognitionTerm] = Field(default_factory=list)
    fallback: bool = False


class Step(Strict):
    phase: Text = Field(description="Set-up, the working phase, the return, ...")
    text: Text


class Movement(Strict):
    """One of the movements the coach teaches, with everything needed to teach and check it."""

    id: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    category: Category
    loaded: bool = Field(description="Whether the movement is done with external load.")
    lying: bool = Field(
        default=False,
        description="Done lying down: the limbs lie across the picture, so they cannot tell a video "
        "stored on its side (upperback.pose.orientation) and such a video is not turned.",
    )
    summary: Text
    purpose: list[Text] = Field(min_length=1)
    muscles: list[MuscleUse] = Field(min_length=1)
    scapular_actions: list[ActionUse] = Field(default_factory=list)
    spinal_actions: list[ActionUse] = Field(min_length=1)
    other_actions: list[ActionUse] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=3)
    safety: list[SafetyCue] = Field(min_length=1)
    variants: list[Variant] = Field(min_length=2)
    camera: CameraAdvice
    faults: list[Fault] = Field(min_length=1)
    counting: Counting | None = None
    thresholds: dict[str, float] = Field(
        default_factory=dict,
        description="Movement-wide limits the form module reads that belong to no one fault; "
        "units are in the key names.",
    )
    recognition: Recognition | None = Field(default=None, description="None: never recognised by --exercise auto.")
    dose: MobilityDose | None = Field(default=None, description="A mobility drill's dose in plans.")

    @model_validator(mode="after")
    def _consistent(self) -> Movement:
        _require_unique([v.id for v in self.variants], "variant id")
        _require_unique([c.id for c in self.safety], "safety cue id")
        _require_unique([f.code for f in self.faults], "fault code")
        if not any(m.role is Role.TARGET for m in self.muscles):
            raise ValueError("at least one muscle must have the role 'target'")
        kinds = {v.kind for v in self.variants}
        if VariantKind.STANDARD not in kinds:
            raise ValueError("needs a variant of kind 'standard'")
        cue_ids = {c.id for c in self.safety}
        for fault in self.faults:
            if fault.enforces not in cue_ids:
                raise ValueError(f"fault '{fault.code}' enforces unknown safety cue '{fault.enforces}'")
        codes = {f.code: f for f in self.faults}
        for variant in self.variants:
            changes = variant.analysis or VariantAnalysis()
            for code in [*changes.thresholds, *changes.not_judged]:
                if code not in codes:
                    raise ValueError(f"variant '{variant.id}' changes unknown fault '{code}'")
            for code, values in changes.thresholds.items():
                unknown = set(values) - set(codes[code].thresholds)
                if unknown:
                    raise ValueError(
                        f"variant '{variant.id}' sets unknown thresholds {sorted(unknown)} of fault '{code}'"
                    )
        if self.counting is not None:
            phases = {step.phase for step in self.steps}
            for name in ("working", "returning"):
                phase = getattr(self.counting.step_phases, name)
                if phase not in phases:
                    raise ValueError(
                        f"counting.step_phases.{name} '{phase}' is no phase of the steps ({', '.join(sorted(phases))})"
                    )
        if self.category in (Category.MOBILITY, Category.WARM_UP) and self.dose is None:
            raise ValueError("a mobility movement needs a 'dose' (reps, short_reps, rep_s) for plans")
        enforced = {f.enforces for f in self.faults}
        for cue in self.safety:
            if not cue.coaching_only and cue.id not in enforced:
                raise ValueError(
                    f"safety cue '{cue.id}' is checked by no fault; "
                    "add a fault that enforces it or mark it coaching_only: true"
                )
        return self

    def fault(self, code: str) -> Fault:
        """The fault with this code (KeyError if the movement has none)."""
        for fault in self.faults:
            if fault.code == code:
                return fault
        raise KeyError(code)

    def safety_cue(self, cue_id: str) -> SafetyCue:
        for cue in self.safety:
            if cue.id == cue_id:
                return cue
        raise KeyError(cue_id)

    def for_variant(self, variant: Variant) -> Movement:
        """This movement as the analysis judges ``variant``: its thresholds in place of the
        movement's, and the faults it does not judge left out (``not_judged`` says why)."""
        changes = variant.analysis or VariantAnalysis()
        faults = [
            fault.model_copy(update={"thresholds": {**fault.thresholds, **changes.thresholds.get(fault.code, {})}})
            for fault in self.faults
            if fault.code not in changes.not_judged
        ]
        return self.model_copy(update={"faults": faults})

    def name_for(self, variant_id: str | None) -> str:
        """The name of the variant ``variant_id`` analysed (the movement's own name for None)."""
        return next((v.name for v in self.variants if v.id == variant_id), self.name)

    @property
    def standard_variant(self) -> Variant:
        return next(v for v in self.variants if v.kind is VariantKind.STANDARD)


# --------------------------------------------------------------------------- guidance and FAQ


class GuidanceItem(Strict):
    id: Slug
    title: Text
    text: Text


class DeskBreakPart(Strict):
    """One exercise of a desk break: a movement in its easiest variant done on a chair, or light
    band work (the library's standing strength variant that needs only a band)."""

    seated: Slug | None = Field(None, description="Id of a movement done in its easiest seated variant.")
    band: bool = Field(False, description="Light band work instead of a seated movement.")
    reps: int = Field(gt=0, le=30)

    @model_validator(mode="after")
    def _one_kind(self) -> DeskBreakPart:
        if (self.seated is None) == (not self.band):
            raise ValueError("a desk-break part is either 'seated: <movement id>' or 'band: true'")
        return self


class DeskBreakRoutine(Strict):
    name: Text
    parts: list[DeskBreakPart] = Field(min_length=1)


class DeskBreaks(Strict):
    """Short movement breaks offered to desk workers between sessions."""

    when: Text
    light_band_note: Text = Field(description="Shown beside band work in a break: how light it is.")
    routines: list[DeskBreakRoutine] = Field(min_length=1)


class Guidance(Strict):
    before_lifting: list[GuidanceItem] = Field(min_length=1)
    desk_breaks: DeskBreaks


class FaqEntry(Strict):
    id: Slug
    question: Text
    answer: list[Text] = Field(min_length=1)


class Faq(Strict):
    entries: list[FaqEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Faq:
        _require_unique([e.id for e in self.entries], "FAQ id")
        return self


def _require_unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ValueError(f"duplicate {what} '{value}'")
        seen.add(value)
