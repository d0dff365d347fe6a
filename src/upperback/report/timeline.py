"""Where a moment of the video sits in the set: reps done, the phase, the faults happening.

Pure functions of a ``FormReport`` (and, for the carry, the times of its steps); the annotated
video and the HTML key frames ask it what to show at each frame.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from upperback.form.report import FaultEvent, FormReport
from upperback.library import get_library
from upperback.library.models import Movement

DEFAULT_PHASE_WORDS = ("lifting", "top", "lowering")
"""The words for a movement whose library entry has no rep counting (hence no ``phase_words``)."""


def phase_words(movement: Movement) -> tuple[str, str, str]:
    """The words for the way out, the turning point and the way back of a rep of ``movement``
    (its library ``counting.phase_words``)."""
    if movement.counting is None:
        return DEFAULT_PHASE_WORDS
    words = movement.counting.phase_words
    return words.working, words.turn, words.returning


class _PhaseWordsById(Mapping[str, tuple[str, str, str]]):
    """:func:`phase_words` looked up by movement id, for callers that hold only the id."""

    def __getitem__(self, movement_id: str) -> tuple[str, str, str]:
        movement = next((m for m in get_library().movements if m.id == movement_id), None)
        if movement is None or movement.counting is None:
            raise KeyError(movement_id)
        return phase_words(movement)

    def __iter__(self) -> Iterator[str]:
        return iter([m.id for m in get_library().movements if m.counting is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)


PHASE_WORDS: Mapping[str, tuple[str, str, str]] = _PhaseWordsById()
"""Per movement id, the words of :func:`phase_words` (a view of the library)."""

TOP_HOLD_S = 0.2
"""Time either side of a rep's turning point that is shown as the top."""
MIN_CAPTION_S = 2.5
"""A fault caption stays up at least this long, so it can be read."""
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Caption:
    """A fault to show on screen: its library title and cue, coloured by severity."""

    code: str
    severity: str
    title: str
    cue: str

    @property
    def text(self) -> str:
        return f"{self.title}: {self.cue}"


@dataclass(frozen=True)
class Moment:
    """The state of the set at one time.

    ``done`` reps (or steps) finished out of ``total``; ``current`` the index of the rep in
    progress, if any; ``phase`` a short word (empty when there is none to show).
    """

    done: int
    total: int
    current: int | None
    phase: str


class Timeline:
    """Answers, for any time of the video, what the set was doing and which faults were on.

    Parameters
    ----------
    report
        The analysis of the video.
    movement
        Its library entry (fault titles, phase words).
    step_times_s
        For a movement without reps (the carry): the times of its steps, counted instead.
    """

    def __init__(self, report: FormReport, movement: Movement, step_times_s: np.ndarray | None = None):
        self.report = report
        self.movement = movement
        self.steps = np.sort(np.asarray(step_times_s if step_times_s is not None else [], dtype=float))
        self.counts_steps = not report.reps and movement.counting is None
        self.unit = "steps" if self.counts_steps else "reps"
        self.words = phase_words(movement)

    def moment(self, time_s: float) -> Moment:
        """Reps (or steps) done and the phase at ``time_s``."""
        if self.counts_steps:
            return self._step_moment(time_s)
        reps = self.report.reps
        done = sum(rep.end_s <= time_s for rep in reps)
        if not reps:
            return Moment(0, 0, None, "")
        for rep in reps:
            if rep.start_s <= time_s < rep.end_s:
                up, top, down = self.words
                if abs(time_s - rep.top_s) <= TOP_HOLD_S:
                    phase = top
                else:
                    phase = up if time_s < rep.top_s else down
                return Moment(done, len(reps), rep.index, phase)
        if time_s < reps[0].start_s:
            return Moment(done, len(reps), None, "set-up")
        if time_s >= reps[-1].end_s:
            return Moment(done, len(reps), None, "set done")
        return Moment(done, len(reps), None, "rest")

    def _step_moment(self, time_s: float) -> Moment:
        steps = self.steps
        done = int(np.searchsorted(steps, time_s, side="right"))
        if len(steps) < 2:
            return Moment(done, len(steps), None, "")
        pad = float(np.median(np.diff(steps))) / 2
        if time_s < steps[0] - pad:
            phase = "pick-up"
        elif time_s > steps[-1] + pad:
            phase = "set-down"
        else:
            phase = "walking"
        return Moment(done, len(steps), None, phase)

    def captions(self, time_s: float) -> list[Caption]:
        """The faults happening at ``time_s``, one per fault code, most important first: most
        severe, then rarest in the set (what is special about this moment before what goes on
        all set long). A fault stays on screen until :meth:`caption_end_s`."""
        counts: dict[str, int] = {}
        for event in self.report.faults:
            counts[event.code] = counts.get(event.code, 0) + 1
        events = sorted(self.report.faults, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), counts[f.code], f.start_s))
        found: dict[str, Caption] = {}
        for event in events:
            if event.start_s <= time_s <= self.caption_end_s(event) and event.code not in found:
                found[event.code] = Caption(event.code, event.severity, self._title(event.code), event.cue)
        return list(found.values())

    def caption_end_s(self, event: FaultEvent) -> float:
        """When the caption of ``event`` goes: at its end, or :data:`MIN_CAPTION_S` after its
        start if that is later, but never beyond the end of the rep it belongs to."""
        until = max(event.end_s, event.start_s + MIN_CAPTION_S)
        reps = {rep.index: rep for rep in self.report.reps}
        if event.rep in reps:
            until = min(until, max(reps[event.rep].end_s, event.end_s))
        return until

    def active_codes(self, time_s: float) -> set[str]:
        """Codes of all faults whose span (without the reading time) contains ``time_s``."""
        return {f.code for f in self.report.faults if f.start_s <= time_s <= f.end_s}

    def _title(self, code: str) -> str:
        return fault_title(self.movement, code)


def fault_title(movement: Movement, code: str) -> str:
    """The library's title of a fault (the code in words if the movement has no such fault)."""
    try:
        return movement.fault(code).title
    except KeyError:
        return code.replace("_", " ").capitalize()


def skipped_check_text(movement: Movement, note: str) -> str:
    """A skipped check as the user reads it: ``"rounded_back: the reason"`` → ``"Rounded back: the reason"``."""
    code, sep, reason = note.partition(":")
    if not sep or " " in code.strip():
        return note
    return f"{fault_title(movement, code.strip())}:{reason}"


def fault_severity(movement: Movement, code: str) -> str:
    """The library's severity of a fault (``warning`` if the movement has no such fault)."""
    try:
        return movement.fault(code).severity.value
    except KeyError:
        return "warning"
