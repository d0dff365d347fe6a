"""Which coaching cue to say, and when: at most one per rep, the most important first, never nagging."""

from __future__ import annotations

import math
from dataclasses import dataclass

from upperback.form.report import FaultEvent

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
"""Lower is more important."""

MIN_CUE_GAP_S = 4.0
"""No cue follows another sooner than this, whatever happens."""

REPEAT_AFTER_S = 12.0
"""The same cue is not said again within this time (unless it is the only error-level one)."""


@dataclass(frozen=True)
class Cue:
    """One spoken and shown cue. ``number`` counts cues in the set, so a page says each once."""

    number: int
    code: str
    text: str
    severity: str
    rep: int | None
    time_s: float


class CuePicker:
    """Chooses at most one cue for each offer (the session offers once per completed rep).

    Among the offered faults, the most severe wins; among equals, the one said least often so
    far, then the library's order (``order``: fault codes as the movement lists them). A cue is
    held back when the previous one was said less than ``min_gap_s`` ago, and the same cue is
    not repeated within ``repeat_after_s`` unless it is an error (a safety issue).
    """

    def __init__(
        self, order: list[str], min_gap_s: float = MIN_CUE_GAP_S, repeat_after_s: float = REPEAT_AFTER_S
    ) -> None:
        self._order = {code: index for index, code in enumerate(order)}
        self.min_gap_s = min_gap_s
        self.repeat_after_s = repeat_after_s
        self._said: dict[str, float] = {}  # code -> time last said
        self._count: dict[str, int] = {}
        self._last_s = -math.inf
        self.cues: list[Cue] = []

    def offer(self, time_s: float, faults: list[FaultEvent], rep: int | None) -> Cue | None:
        """The cue to say now for these faults, or None (nothing to say, or too soon)."""
        if not faults or time_s - self._last_s < self.min_gap_s:
            return None
        fresh = [
            f
            for f in faults
            if f.severity == "error" or time_s - self._said.get(f.code, -math.inf) >= self.repeat_after_s
        ]
        if not fresh:
            return None
        best = min(
            fresh,
            key=lambda f: (
                SEVERITY_RANK.get(f.severity, len(SEVERITY_RANK)),
                self._count.get(f.code, 0),
                self._order.get(f.code, len(self._order)),
            ),
        )
        cue = Cue(
            number=len(self.cues) + 1, code=best.code, text=best.cue, severity=best.severity, rep=rep, time_s=time_s
        )
        self._said[best.code] = time_s
        self._count[best.code] = self._count.get(best.code, 0) + 1
        self._last_s = time_s
        self.cues.append(cue)
        return cue
