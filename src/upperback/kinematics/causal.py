"""Causal cleaning of per-frame signals for live coaching: short-gap hold and One Euro filter.

Notes
-----
Live, every output may depend only on the frames seen so far, so the offline cleaning of
:mod:`upperback.kinematics.filters` (centred Hampel window, gap interpolation, forward-backward
Butterworth) cannot run: each of its steps reads future samples. It is replaced by:

* **One Euro filter** (Casiez, Roussel & Vogel, CHI 2012): a first-order low-pass whose cutoff
  rises with the signal's speed, ``cutoff = min_cutoff_hz + beta * |speed|``. At rest it smooths
  hard (landmark jitter disappears); while the body moves, the cutoff opens and the lag drops.
  The live defaults are ``LIVE_MIN_CUTOFF_HZ`` = 1.5 Hz and ``LIVE_BETA`` = 0.02 per (degree/s):
  at the 10 Hz analysis rate the resting jitter is smoothed about as much as by the offline 3 Hz
  Butterworth, and at a row's elbow speed (100–200 °/s) the cutoff opens to 3.5–5.5 Hz, so the
  turn of a rep is followed within about a frame. Signals measured as ratios (``_ratio``) move
  about a hundred times less per second than angles, so their ``beta`` is multiplied by
  ``RATIO_SCALE``. The speed itself is low-passed at ``d_cutoff_hz`` = 1 Hz, as the paper advises.
  The values were chosen on the shared clips (docs/live.md): they are the middle of the range
  that reproduces the offline rep counts on every clip.
* **short-gap hold**: a frame where the signal is missing (landmark not visible) repeats the last
  filtered value for up to ``max_gap_s`` (the offline interpolation limit, 0.5 s), so a blink of
  the detector does not break a rep in progress; past that the output is NaN and the filter
  restarts from the next seen value, so nothing is invented across a long dropout.

There is no outlier rejection live: a causal median test cannot tell the first frame of a fast
pull from a glitch, and the One Euro filter already damps single-frame spikes at rest.

The ``OneEuroFilter`` package on PyPI implements the same algorithm for one scalar; this module
filters many channels at once, with real timestamps and NaN gaps, so it is kept here.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from upperback.arrays import FloatArray

LIVE_MIN_CUTOFF_HZ = 1.5
LIVE_BETA = 0.02
LIVE_D_CUTOFF_HZ = 1.0
RATIO_SCALE = 100.0
"""A ``_ratio`` signal's ``beta`` is ``LIVE_BETA * RATIO_SCALE`` (ratios move ~100x slower than degrees)."""
MAX_GAP_S = 0.5


def _alpha(cutoff_hz: npt.ArrayLike, dt_s: npt.ArrayLike) -> FloatArray:
    """Smoothing factor of a first-order low-pass with this cutoff, for a step of ``dt_s``."""
    r = 2.0 * math.pi * np.asarray(cutoff_hz, dtype=float) * np.asarray(dt_s, dtype=float)
    alpha: FloatArray = r / (r + 1.0)
    return alpha


class OneEuroFilter:
    """One Euro filter over a vector of channels, fed samples in time order.

    Parameters
    ----------
    min_cutoff_hz, beta
        Cutoff at rest, and how fast it rises with speed (per signal unit per second);
        scalars or one value per channel.
    d_cutoff_hz
        Cutoff of the low-pass on the speed estimate.
    max_gap_s
        How long a missing (NaN) channel repeats its last output before it turns NaN.
    """

    def __init__(
        self,
        min_cutoff_hz: float | FloatArray = LIVE_MIN_CUTOFF_HZ,
        beta: float | FloatArray = LIVE_BETA,
        d_cutoff_hz: float = LIVE_D_CUTOFF_HZ,
        max_gap_s: float = MAX_GAP_S,
    ) -> None:
        self.min_cutoff_hz = np.asarray(min_cutoff_hz, float)
        self.beta = np.asarray(beta, float)
        self.d_cutoff_hz = d_cutoff_hz
        self.max_gap_s = max_gap_s
        self.reset()

    def reset(self) -> None:
        """Forget every sample: the next call starts each channel afresh."""
        self._value: FloatArray | None = None  # last filtered value per channel (NaN: none)
        self._speed: FloatArray | None = None
        self._seen_s: FloatArray | None = None  # time of each channel's last real sample
        self._time_s = -math.inf

    def __call__(self, time_s: float, values: npt.ArrayLike) -> FloatArray:
        """Feed one sample of every channel.

        Parameters
        ----------
        time_s : float
            The sample's time; later than the previous one.
        values : (C,) array
            One value per channel, NaN where it was not seen.

        Returns
        -------
        (C,) array
            The filtered values, NaN where a channel has been missing for longer than ``max_gap_s``.

        Raises
        ------
        ValueError
            If ``time_s`` is not later than the previous sample's.
        """
        x = np.asarray(values, float)
        if self._value is None or self._speed is None or self._seen_s is None:
            self._value = np.full(x.shape, np.nan)
            self._speed = np.zeros(x.shape)
            self._seen_s = np.full(x.shape, -math.inf)
        if time_s <= self._time_s:
            raise ValueError(f"samples must come in time order ({time_s} after {self._time_s})")
        dt = time_s - self._time_s
        self._time_s = time_s
        seen = np.isfinite(x)
        fresh = seen & ~np.isfinite(self._value)
        going = seen & ~fresh
        # A channel seen again after a hold: the step is measured from its last real sample.
        step = np.where(going, time_s - self._seen_s, dt)
        with np.errstate(invalid="ignore"):
            speed = (x - self._value) / step
            speed = self._speed + _alpha(self.d_cutoff_hz, step) * (speed - self._speed)
            cutoff = self.min_cutoff_hz + self.beta * np.abs(speed)
            smoothed = self._value + _alpha(cutoff, step) * (x - self._value)
        self._speed = np.where(going, speed, np.where(fresh, 0.0, self._speed))
        self._value = np.where(going, smoothed, np.where(fresh, x, self._value))
        self._seen_s = np.where(seen, time_s, self._seen_s)
        lost = ~seen & (time_s - self._seen_s > self.max_gap_s + 1e-9)
        self._value = np.where(lost, np.nan, self._value)
        self._speed = np.where(lost, 0.0, self._speed)
        return self._value.copy()


def live_beta(names: list[str]) -> FloatArray:
    """The live ``beta`` of each named signal.

    Parameters
    ----------
    names : list of str
        Signal names; those ending in ``_ratio`` are ratios, the rest degrees.

    Returns
    -------
    (len(names),) array
        ``LIVE_BETA`` for degrees, ``LIVE_BETA * RATIO_SCALE`` for ratios.
    """
    return np.array([LIVE_BETA * (RATIO_SCALE if name.endswith("_ratio") else 1.0) for name in names])


def causal_clean(
    values: npt.ArrayLike,
    times_s: npt.ArrayLike,
    beta: float | FloatArray = LIVE_BETA,
    min_cutoff_hz: float = LIVE_MIN_CUTOFF_HZ,
) -> FloatArray:
    """Run the live filter over a whole recording.

    Each output depends only on the samples up to it, so this equals feeding the samples one
    by one to :class:`OneEuroFilter`.

    Parameters
    ----------
    values : (T,) or (T, C) array
        Samples in time order, NaN where missing.
    times_s : (T,) array
        Their times, increasing.
    beta, min_cutoff_hz
        As for :class:`OneEuroFilter`.

    Returns
    -------
    array
        The filtered values, the shape of ``values``.
    """
    values = np.asarray(values, float)
    flat = values.reshape(len(values), -1)
    one_euro = OneEuroFilter(min_cutoff_hz, beta)
    out = np.array([one_euro(float(t), row) for t, row in zip(np.asarray(times_s), flat)]).reshape(values.shape)
    return out if len(values) else values.copy()


class CausalCleaner:
    """The live cleaning of named signals: one :class:`OneEuroFilter` over all of them (each with
    its :func:`live_beta`), made on the first call, fed one sample (row) at a time.

    Called with raw signals (name to (T,) array, T frames in time order; one frame live), it
    returns them filtered, each output depending only on the frames before it. The names must
    not change between calls. A cleaner for :func:`upperback.kinematics.movement_signals.build_signals`.
    """

    def __init__(self) -> None:
        self._filter: OneEuroFilter | None = None
        self._names: list[str] = []

    def __call__(self, raw: dict[str, FloatArray], times_s: FloatArray) -> dict[str, FloatArray]:
        if self._filter is None:
            self._names = list(raw)
            self._filter = OneEuroFilter(beta=live_beta(self._names))
        rows = np.column_stack([np.asarray(raw[name], float) for name in self._names])
        out = np.array([self._filter(float(t), row) for t, row in zip(times_s, rows)]).reshape(rows.shape)
        return {name: out[:, k] for k, name in enumerate(self._names)}
