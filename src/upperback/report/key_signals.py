"""The signals a report shows for a movement: which one is key, what each means, where it sits.

The key signal of a movement is the one its reps are counted on (the library's
``counting.signal``); a movement counted some other way (the carry) takes the signal of its
first fault that the camera view can judge. The further plotted signals are those that show
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upperback.kinematics.signals import BodySignals
from upperback.library.models import Movement, View

MAX_PLOTS = 4
"""Most signals plotted for one movement (the key signal first)."""


@dataclass(frozen=True)
class SignalSpec:
    """How to show one signal.

    Attributes
    ----------
    label : short name, e.g. ``"Elbow angle"``
    meaning : one sentence on how to read it
    low, high : the gauge's scale; a scale whose ``low`` is ``-high`` fills from zero
    anchor : body parts whose mean point the gauge sits next to, each ``(side, part)`` with
        side ``"near"`` (nearer the camera), ``"working"`` (the measured arm) or ``"both"``
        (the two sides' mean), part a key of ``SIDE_LANDMARKS``
    segments : body segments drawn highlighted, each a pair of parts of one side (``"near"``,
        ``"working"``, or ``"both"`` for the segment on each side)
    """

    label: str
    meaning: str
    low: float
    high: float
    anchor: tuple[tuple[str, str], ...]
    segments: tuple[tuple[str, str, str], ...] = ()

    @property
    def centred(self) -> bool:
        return self.low == -self.high


SIGNALS: dict[str, SignalSpec] = {
    "elbow_deg": SignalSpec(
        "Elbow angle",
        "The bend of the working elbow: 180° is a straight arm, smaller numbers a deeper bend.",
        0,
        180,
        (("working", "elbow"),),
        (("working", "shoulder", "elbow"), ("working", "elbow", "wrist")),
    ),
    "torso_deg": SignalSpec(
        "Torso angle",
        "The torso's angle above the horizontal: 0° is flat, 90° is standing upright.",
        0,
        90,
        (("near", "hip"),),
        (("near", "hip", "shoulder"),),
    ),
    "arm_spread_deg": SignalSpec(
        "Arm opening",
        "The angle between the two upper arms: it widens as the arms rise, and 180° is one straight line.",
        0,
        180,
        (("both", "shoulder"),),
        (("both", "shoulder", "elbow"),),
    ),
    "spine_curve_deg": SignalSpec(
        "Spine curve",
        "Above zero the back is rounded (cat), below zero it is arched (cow).",
        -90,
        90,
        (("near", "shoulder"), ("near", "hip")),
        (("near", "ear", "shoulder"), ("near", "shoulder", "hip"), ("near", "hip", "knee")),
    ),
    "rotation_deg": SignalSpec(
        "Rotation",
        "The angle between the two arms around the body's long "
        "axis: near 0° with the palms together, near 180° fully open.",
        0,
        180,
        (("both", "shoulder"),),
        (("both", "shoulder", "elbow"), ("both", "elbow", "wrist")),
    ),
    "neck_deg": SignalSpec(
        "Neck angle",
        "The angle of the neck against the torso line: 0° keeps the head in line with the back.",
        0,
        90,
        (("near", "ear"),),
        (("near", "ear", "shoulder"), ("near", "shoulder", "hip")),
    ),
    "elevation_ratio": SignalSpec(
        "Shoulder height",
        "Distance from ear to shoulder over torso length: it drops when the shoulders creep up.",
        0,
        1,
        (("near", "shoulder"),),
        (("near", "ear", "shoulder"),),
    ),
    "lateral_lean_deg": SignalSpec(
        "Sideways lean",
        "The trunk's tilt to either side of vertical: 0° is straight up.",
        -30,
        30,
        (("both", "shoulder"),),
        (("both", "hip", "shoulder"),),
    ),
    "shoulder_tilt_deg": SignalSpec(
        "Shoulder tilt", "The slope of the line between the shoulders: 0° is level.", -30, 30, (("both", "shoulder"),)
    ),
    "hip_deg": SignalSpec(
        "Hip angle",
        "The angle at the hip between torso and thigh: 180° is straight.",
        0,
        180,
        (("near", "hip"),),
        (("near", "shoulder", "hip"), ("near", "hip", "knee")),
    ),
}
"""Every signal a report can show."""


def fault_signals(movement: Movement) -> dict[str, str]:
    """The signal that shows each of the movement's faults (the library's ``signal`` of each);
    a fault without one is shown on the key signal."""
    return {fault.code: fault.signal for fault in movement.faults if fault.signal is not None}


def key_signal(movement: Movement, view: View | str) -> str:
    """The signal a movement is best followed on: its counting signal, else the signal of its
    first fault judged from ``view`` (else of its first fault), else the torso angle."""
    if movement.counting is not None and movement.counting.signal in SIGNALS:
        return movement.counting.signal
    view = View(view)
    mapped = [f for f in movement.faults if f.signal is not None]
    judged = [f for f in mapped if view in f.views]
    for fault in judged or mapped:
        assert fault.signal is not None
        return fault.signal
    return "torso_deg"


def plotted_signals(movement: Movement, view: View | str) -> list[str]:
    """The key signal, then the counting gate, then the signals of the faults ``view`` can
    judge; at most :data:`MAX_PLOTS`."""
    view = View(view)
    names = [key_signal(movement, view)]
    if movement.counting is not None and movement.counting.gate_signal:
        names.append(movement.counting.gate_signal)
    names += [f.signal for f in movement.faults if f.signal is not None and view in f.views]
    unique = [n for i, n in enumerate(names) if n in SIGNALS and n not in names[:i]]
    return unique[:MAX_PLOTS]


def fault_signal(code: str, movement: Movement, view: View | str, shown: list[str]) -> str:
    """The plotted signal a fault's span is shaded on: its own if shown, else the key signal."""
    own = fault_signals(movement).get(code)
    return own if own in shown else key_signal(movement, view)


def signal_values(signals: BodySignals, name: str) -> np.ndarray:
    """(T,) values of one signal of :data:`SIGNALS`, NaN where it was not measured."""
    return np.asarray(signals[name], dtype=float)
