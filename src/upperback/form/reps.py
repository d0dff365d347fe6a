"""Counting repetitions in one signal, one sample at a time.

The same state machine serves the offline analysis (fed the zero-lag smoothed signal) and live
coaching (fed a causally filtered one), so both count by the same rules.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from upperback.library.models import Counting, CountingSignal


@dataclass(frozen=True)
class RepRules:
    """How a repetition shows in a signal that moves away from a rest level and back.

    Attributes
    ----------
    direction
        -1 when the working phase lowers the signal (the elbow angle closes in a row), +1 when
        it raises it (the arms spread in a reverse fly).
    min_depth
        Smallest excursion from the rest level that counts as a rep (signal units): the floor.
    relative_depth
        A rep must also reach this share of the signal's recent robust range (5th to 95th
        percentile over ``rest_window_s``), so small wiggles in a set of big reps do not count.
    enter_fraction
        A rep begins once the signal has moved this share of ``min_depth`` from rest.
    return_fraction
        A rep ends once the signal has come back this share of the way from its extreme to rest.
    settle_fraction
        While the signal stays within this share of ``min_depth`` of rest, the user is resting;
        the rep starts when that ends.
    rest_band
        That band in the signal's units instead, where the pose model's noise sets it (the
        library's ``counting.rest_band``); None: ``settle_fraction`` of ``min_depth``.
    settle_s
        A recognised rep ends once the signal has stopped returning toward rest for this long.
    rest_window_s
        The rest level is the most rest-like value seen over this trailing window.
    min_rep_s, max_rep_s
        Plausible duration of one rep; others are ignored.
    """

    direction: int
    min_depth: float
    relative_depth: float = 0.0
    enter_fraction: float = 0.6
    return_fraction: float = 0.7
    settle_fraction: float = 0.15
    settle_s: float = 0.4
    rest_window_s: float = 8.0
    min_rep_s: float = 0.6
    max_rep_s: float = 12.0
    rest_band: float | None = None

    @property
    def settle_band(self) -> float:
        """How close to rest the signal counts as resting.

        Returns
        -------
        float
            The band, in the signal's units.
        """
        return self.rest_band if self.rest_band is not None else self.settle_fraction * self.min_depth

    @classmethod
    def from_counting(cls, counting: Counting, signal: CountingSignal | None = None) -> RepRules:
        """The rules of a library ``counting`` entry, on its main signal or on one of its
        ``alternatives`` (which brings its own direction and depth floor).

        Parameters
        ----------
        counting : Counting
            The movement's rep-counting settings.
        signal : CountingSignal | None
            One of its alternatives; None for the main signal.

        Returns
        -------
        RepRules
            The rules.
        """
        main = signal or counting.main_signal
        return cls(
            direction=main.direction,
            min_depth=main.min_depth,
            rest_band=main.rest_band,
            relative_depth=counting.relative_depth,
            min_rep_s=counting.min_rep_s,
            max_rep_s=counting.max_rep_s,
        )


@dataclass(frozen=True)
class RepTiming:
    """One counted rep: start, top and end times, and the signal's rest and top values."""

    start_s: float
    top_s: float
    end_s: float
    rest_value: float
    top_value: float

    @property
    def depth(self) -> float:
        """How far the signal moved from rest to the top.

        Returns
        -------
        float
            The depth, in the signal's unit.
        """
        return abs(self.rest_value - self.top_value)


class RepCounter:
    """Hysteresis state machine over one signal.

    Feed samples in time order with :meth:`update`; it returns a :class:`RepTiming` when a rep
    completes, and :meth:`finish` returns the last one at the end of the stream. Samples where
    ``active`` is False (wrong posture, no person) reset any rep in progress, so reps are only
    counted in the working position.

    A rep is recognised once the signal has come ``return_fraction`` of the way back to rest;
    it is reported once the signal settles (stops returning, reaches rest, or a new rep begins),
    so that its end, and with it the lowering time, is where the movement really ended. A rep
    that pauses on the way out short of a rep's depth, then goes on and comes back to that pause
    but not to where it began, began at the pause (the user settled into a new rest position).

    Parameters
    ----------
    rules : RepRules
        How a rep shows in the signal.
    """

    def __init__(self, rules: RepRules) -> None:
        self.rules = rules
        self._history: deque[tuple[float, float]] = deque()
        self._in_rep = False
        self._peak: tuple[float, float] | None = None  # (time, value) most rest-like since last rep
        self._start: tuple[float, float] | None = None
        self._top: tuple[float, float] | None = None
        self._pending: RepTiming | None = None  # recognised, waiting for the signal to settle
        self._pending_value = math.nan
        self._still: tuple[float, float] | None = None  # first sample of the current pause in a rep
        self._still_last: tuple[float, float] | None = None  # its latest sample
        self._pause: tuple[float, float] | None = None  # the rep's last pause before its top

    def _oriented(self, value: float) -> float:
        """Signal turned so the working phase always lowers it."""
        return value if self.rules.direction < 0 else -value

    def rest_level(self) -> float:
        """Current rest level (oriented): the highest oriented value in the trailing window.

        Returns
        -------
        float
            The rest level; NaN before any sample.
        """
        return max((v for _, v in self._history), default=math.nan)

    def required_depth(self) -> float:
        """The depth a rep needs now: the floor, or the share of the recent range if larger.

        Returns
        -------
        float
            The depth, in the signal's unit.
        """
        if self.rules.relative_depth <= 0 or len(self._history) < 3:
            return self.rules.min_depth
        low, high = np.percentile([v for _, v in self._history], [5, 95])
        return max(self.rules.min_depth, self.rules.relative_depth * float(high - low))

    def update(self, time_s: float, value: float, active: bool = True) -> RepTiming | None:
        """Feed one sample; returns the rep that settled with it, if any.

        Parameters
        ----------
        time_s : float
            The sample's time.
        value : float
            The signal's value (NaN: unknown, which ends any rep in progress).
        active : bool
            False outside the working position, which ends any rep in progress.

        Returns
        -------
        RepTiming | None
            The completed rep, or None.
        """
        if not active or math.isnan(value):
            done = self.finish()
            self._reset()
            return done
        v = self._oriented(value)
        done = self._settle(time_s, v)
        self._history.append((time_s, v))
        while self._history and self._history[0][0] < time_s - self.rules.rest_window_s:
            self._history.popleft()
        rest = self.rest_level()
        if not self._in_rep:
            settle = self.rules.settle_band
            if self._peak is None or v > self._peak[1] or time_s - self._peak[0] > self.rules.max_rep_s:
                self._peak = (time_s, v)
            elif v >= self._peak[1] - settle:  # still resting: the rep starts when this ends
                self._peak = (time_s, self._peak[1])
            if rest - v >= self.rules.enter_fraction * self.rules.min_depth:
                done = done or self.finish()
                self._in_rep = True
                self._start = self._peak
                self._top = (time_s, v)
                self._still = self._still_last = (time_s, v)
                self._pause = None
            return done
        assert self._start is not None and self._top is not None  # both set when the rep began
        self._watch_pause(time_s, v)
        if v < self._top[1]:
            self._top = (time_s, v)
        top_t, top_v = self._top
        self._start = self._start_or_pause(v)
        start_t, start_v = self._start
        depth = start_v - top_v
        if v - top_v >= self.rules.return_fraction * max(depth, 1e-9):
            self._in_rep = False
            self._peak = (time_s, v)
            duration = time_s - start_t
            if depth >= self.required_depth() and duration <= self.rules.max_rep_s:  # min: once settled
                self._pending = RepTiming(start_t, top_t, time_s, start_v, top_v)
                self._pending_value = v
        elif time_s - start_t > self.rules.max_rep_s:
            self._in_rep = False
            self._peak = (time_s, v)
        return done

    def finish(self) -> RepTiming | None:
        """Report the rep still settling, if any (call at the end of the stream).

        Returns
        -------
        RepTiming | None
            The rep still settling, or None.
        """
        pending, self._pending = self._pending, None
        if pending is None or pending.end_s - pending.start_s < self.rules.min_rep_s:
            return None  # the shortest plausible rep is judged on its settled end, not where it was recognised
        sign = -1.0 if self.rules.direction > 0 else 1.0
        return RepTiming(
            pending.start_s, pending.top_s, pending.end_s, sign * pending.rest_value, sign * pending.top_value
        )

    def _watch_pause(self, time_s: float, v: float) -> None:
        """Keep the last pause of the rep in progress (the signal within the settle band for
        ``settle_s`` or longer) that came before its top."""
        assert self._still is not None and self._still_last is not None and self._top is not None
        settle = self.rules.settle_band
        if abs(v - self._still[1]) <= settle:
            self._still_last = (time_s, v)
            return
        if self._still_last[0] - self._still[0] >= self.rules.settle_s and v < self._top[1]:
            self._pause = self._still_last  # the movement went on deeper after the pause
        self._still = self._still_last = (time_s, v)

    def _start_or_pause(self, v: float) -> tuple[float, float]:
        """Where the rep in progress started: its start, or, when the signal has come back to a
        pause it made on the way down (by ``return_fraction`` of the depth from there, which is
        a rep's depth) but not to the start, that pause. The user then settled into a new rest
        position part way (e.g. hinged forward from standing, so the hanging arms bend a little)
        and the rep began from there."""
        assert self._start is not None and self._top is not None
        start, pause, top_v = self._start, self._pause, self._top[1]
        if pause is None or pause[0] >= self._top[0]:
            return start
        fraction = self.rules.return_fraction
        back_to_start = v - top_v >= fraction * (start[1] - top_v)
        back_to_pause = v - top_v >= fraction * (pause[1] - top_v)
        deep = pause[1] - top_v >= self.required_depth()
        return pause if deep and back_to_pause and not back_to_start else start

    def _settle(self, time_s: float, v: float) -> RepTiming | None:
        """Move a recognised rep's end on while the signal keeps returning toward rest."""
        if self._pending is None:
            return None
        settle = self.rules.settle_band
        if v > self._pending_value + 1e-9:
            self._pending = RepTiming(
                self._pending.start_s, self._pending.top_s, time_s, self._pending.rest_value, self._pending.top_value
            )
            self._pending_value = v
        returned = v >= self._pending.rest_value - settle
        turned_back = v < self._pending_value - settle
        still = time_s - self._pending.end_s >= self.rules.settle_s
        return self.finish() if returned or turned_back or still else None

    def _reset(self) -> None:
        self._in_rep = False
        self._peak = None
        self._start = None
        self._top = None
        self._pending = None
