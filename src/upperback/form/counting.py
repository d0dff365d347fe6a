"""Counting a set's reps shot by shot, one frame at a time, on the first counting signal seen.

A set is counted within each shot of the video (:mod:`upperback.kinematics.shots`): a cut, or a
person who leaves the picture for a while or jumps in it, ends one shot and starts another
with a fresh counter, so no rep joins two takes. Within a shot the movement's counting signal
is read if it is seen in at least ``MIN_SEEN_SHARE`` of the shot's frames in the working
position, else the first of its ``alternatives`` that is (e.g. the hand's height when the elbow
is hidden). The offline analysis (:func:`upperback.form.common.count_reps`) and the live
counter (:mod:`upperback.live.counting`) both feed :class:`ShotCounting`, so they count alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from upperback.form.reps import RepCounter, RepRules, RepTiming
from upperback.kinematics.shots import MIN_SHOT_S
from upperback.library.models import Counting, CountingSignal

MIN_SEEN_SHARE = 0.5
"""A counting signal is read in a shot only where it is seen in at least this share of the
shot's frames in the working position; otherwise the movement's next signal is tried."""


@dataclass(frozen=True)
class Frame:
    """One frame as the counter reads it.

    Attributes
    ----------
    time_s : the frame's time
    values : cleaned value of each counting signal (NaN where unknown)
    seen : whether each counting signal was measured on this frame (before cleaning)
    working : whether the user is in the working position (e.g. hinged)
    """

    time_s: float
    values: Mapping[str, float]
    seen: Mapping[str, bool]
    working: bool


@dataclass(frozen=True)
class Shot:
    """One shot of a set: its first and last frame with a person, the signal its reps were
    counted on (None when no counting signal was seen enough) and the reps."""

    start_s: float
    end_s: float
    signal: CountingSignal | None
    timings: list[RepTiming]

    def cut_short(self, rep: RepTiming) -> bool:
        """Whether the rep begins on the shot's first frame or ends on its last: the clip (or
        the cut) may have opened or closed it mid-rep, so its phases cannot be timed.

        Parameters
        ----------
        rep : RepTiming
            A rep of the open shot.

        Returns
        -------
        bool
            True when its phases cannot be timed.
        """
        return abs(rep.start_s - self.start_s) < 1e-9 or abs(rep.end_s - self.end_s) < 1e-9


class PostureGate:
    """Whether the user is in the working position, one frame at a time.

    The position is entered where the gate signal is below ``counting.gate_max`` and left only
    past ``gate_max + gate_hysteresis`` (or where the signal is unknown), so a lifter whose torso
    rises a little past the gate with each pull stays in it. Without a gate every frame is in it.

    Parameters
    ----------
    counting : Counting
        The movement's rep-counting settings.
    """

    def __init__(self, counting: Counting) -> None:
        self.signal = counting.gate_signal
        self.enter = math.inf if counting.gate_max is None else counting.gate_max
        self.leave = self.enter + counting.gate_hysteresis
        self._inside = False

    def update(self, value: float) -> bool:
        """Feed the gate signal of one frame (NaN: unknown); returns whether it is in the position.

        Parameters
        ----------
        value : float
            The gate signal's value.

        Returns
        -------
        bool
            True in the working position.
        """
        if self.signal is None:
            return True
        self._inside = not math.isnan(value) and value < (self.leave if self._inside else self.enter)
        return self._inside


def counting_signals(counting: Counting) -> list[CountingSignal]:
    """The movement's counting signal, then its alternatives, in the order they are tried.

    Parameters
    ----------
    counting : Counting
        The movement's rep-counting settings.

    Returns
    -------
    list[CountingSignal]
        The signals.
    """
    return [counting.main_signal, *counting.alternatives]


@dataclass
class _OpenShot:
    """The shot being counted: its span, one counter per signal and the reps each found."""

    start_s: float
    end_s: float
    counters: list[RepCounter]
    found: list[list[RepTiming]]
    working: int = 0
    seen: list[int] = field(default_factory=list)


class ShotCounting:
    """A set's reps, counted shot by shot, fed one frame at a time.

    Every counting signal has its own counter in the open shot; the shot's reps are those of
    the first signal seen in enough of its working frames so far (at its end: of all of them).
    Frames without a person are held back until the next frame with one, and dropped if that
    frame begins a new shot, so a shot ends on its last frame with a person.

    Parameters
    ----------
    counting : Counting
        The movement's rep-counting settings.
    """

    def __init__(self, counting: Counting) -> None:
        self.counting = counting
        self.options = counting_signals(counting)
        self.shots: list[Shot] = []  # closed shots, at least MIN_SHOT_S long
        self._open: _OpenShot | None = None
        self._held: list[Frame] = []

    def update(self, frame: Frame, person: bool, cut: bool) -> None:
        """Feed one frame; ``person`` whether someone is in the picture, ``cut`` whether this
        frame begins a new shot (:class:`upperback.kinematics.shots.ShotWatch`).

        Parameters
        ----------
        frame : Frame
            The frame (:func:`frame_of`).
        person : bool
            Whether someone is in the picture.
        cut : bool
            Whether this frame begins a new shot.
        """
        if not person:
            if self._open is not None:
                self._held.append(frame)
            return
        if cut:
            self.close()
        if self._open is None:
            rules = [RepRules.from_counting(self.counting, option) for option in self.options]
            self._open = _OpenShot(
                frame.time_s, frame.time_s, [RepCounter(r) for r in rules], [[] for _ in rules], seen=[0] * len(rules)
            )
        for held in self._held:
            self._feed(held)
        self._held = []
        self._feed(frame)
        self._open.end_s = frame.time_s

    def close(self) -> None:
        """End the open shot (at a cut, or at the end of the set)."""
        shot, self._open, self._held = self._open, None, []
        if shot is None:
            return
        for counter, found in zip(shot.counters, shot.found):
            last = counter.finish()
            if last is not None:
                found.append(last)
        if shot.end_s - shot.start_s >= MIN_SHOT_S:
            choice = self._choice(shot)
            timings = [] if choice is None else shot.found[choice]
            self.shots.append(
                Shot(shot.start_s, shot.end_s, None if choice is None else self.options[choice], list(timings))
            )

    @property
    def timings(self) -> list[RepTiming]:
        """Every rep so far: those of the closed shots, then those of the open one.

        Returns
        -------
        list[RepTiming]
            The reps in time order.
        """
        reps = [rep for shot in self.shots for rep in shot.timings]
        shot = self._open
        choice = self._choice(shot) if shot is not None else None
        return reps + (shot.found[choice] if shot is not None and choice is not None else [])

    def current(self) -> tuple[CountingSignal, RepCounter] | None:
        """The signal the open shot is counted on so far, and its counter.

        Returns
        -------
        tuple[CountingSignal, RepCounter] | None
            The signal and counter; None when no shot is open or none of its signals was chosen.
        """
        shot = self._open
        choice = self._choice(shot) if shot is not None else None
        return None if shot is None or choice is None else (self.options[choice], shot.counters[choice])

    def _feed(self, frame: Frame) -> None:
        shot = self._open
        assert shot is not None
        shot.working += frame.working
        for index, option in enumerate(self.options):
            shot.seen[index] += frame.working and frame.seen[option.signal]
            rep = shot.counters[index].update(frame.time_s, frame.values[option.signal], frame.working)
            if rep is not None:
                shot.found[index].append(rep)

    def _choice(self, shot: _OpenShot) -> int | None:
        for index in range(len(self.options)):
            if shot.working and shot.seen[index] / shot.working >= MIN_SEEN_SHARE:
                return index
        return None


def frame_of(
    time_s: float, values: Mapping[str, float], raw: Mapping[str, float], options: list[CountingSignal], working: bool
) -> Frame:
    """The counter's view of one frame from its cleaned and raw signals.

    Parameters
    ----------
    time_s : float
        The frame's time.
    values : Mapping[str, float]
        Cleaned signal values by name.
    raw : Mapping[str, float]
        Raw signal values by name.
    options : list[CountingSignal]
        The counting signals (:func:`counting_signals`).
    working : bool
        Whether the user is in the working position.

    Returns
    -------
    Frame
        The frame.
    """
    names = [o.signal for o in options]
    return Frame(time_s, {n: values[n] for n in names}, {n: math.isfinite(raw[n]) for n in names}, working)
