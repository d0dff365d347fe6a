"""Cleaning per-frame signals: outlier rejection, gap filling and zero-lag low-pass filtering.

Notes
-----
Offline analysis uses a 2nd-order Butterworth low-pass applied forward and backward
(:func:`scipy.signal.sosfiltfilt`): zero phase lag, so rep boundaries and peak times are not
shifted, with an effective 4th-order roll-off. The default cutoff of 3 Hz keeps the movement
(upper-back exercises repeat at 0.2–1 Hz and their harmonics of interest lie below 3 Hz) and
removes the frame-to-frame jitter of the landmarks, the usual choice for video kinematics of
slow movements (Winter, *Biomechanics and Motor Control of Human Movement*, ch. 3).
Before filtering, isolated spikes are rejected with a rolling median test (Hampel filter) and
gaps up to ``max_gap_s`` are filled by linear interpolation; longer gaps stay NaN and each
stretch between them is filtered on its own, so nothing is invented across a long dropout.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy import ndimage, signal

from upperback.arrays import BoolArray, FloatArray

DEFAULT_CUTOFF_HZ = 3.0
DEFAULT_MAX_GAP_S = 0.5
MIN_FILLED_INTERVALS = 3
"""A gap of two missing samples spans three sample intervals: filled at any sampling rate."""


def reject_outliers(values: npt.ArrayLike, window: int = 5, n_sigmas: float = 4.0) -> FloatArray:
    """Drop isolated spikes (Hampel filter along axis 0).

    Parameters
    ----------
    values : (T, ...) array
        Samples in time order; NaNs are ignored.
    window : int
        Length of the rolling median, in samples.
    n_sigmas : float
        How many robust standard deviations from the rolling median make a sample an outlier.

    Returns
    -------
    (T, ...) array
        A copy with the outliers set to NaN (unchanged when shorter than ``window``).
    """
    values = np.asarray(values, dtype=float)
    if len(values) < window:
        return values.copy()
    filled = _interpolate_all(values)
    median = ndimage.median_filter(filled, size=(window,) + (1,) * (values.ndim - 1), mode="nearest")
    deviation = np.abs(filled - median)
    scale = 1.4826 * ndimage.median_filter(deviation, size=(window,) + (1,) * (values.ndim - 1), mode="nearest")
    with warnings.catch_warnings():  # all-NaN columns are fine: they stay NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        floor = np.nanmedian(deviation, axis=0) + 1e-9  # a flat stretch must not make every step an outlier
    out = values.copy()
    out[deviation > n_sigmas * np.maximum(scale, floor)] = np.nan
    return out


def fill_gaps(values: npt.ArrayLike, times_s: FloatArray, max_gap_s: float = DEFAULT_MAX_GAP_S) -> FloatArray:
    """Linearly interpolate the short NaN runs along axis 0.

    Parameters
    ----------
    values : (T, ...) array
        Samples in time order, NaN where missing.
    times_s : (T,) array
        Their times, increasing.
    max_gap_s : float
        Longest gap filled, from the last sample before it to the first after it, give or take
        half a sample interval; longer gaps, and NaNs at either end, stay NaN. Two missing
        samples in a row are always filled (``MIN_FILLED_INTERVALS`` sample intervals), so a
        video filmed at 5 frames a second bridges the same short dropouts as one sampled at 10.

    Returns
    -------
    (T, ...) array
        A copy with the short gaps filled.
    """
    values = np.asarray(values, dtype=float)
    flat = values.reshape(len(values), -1).copy()
    if len(times_s) > 1:
        interval = float(np.median(np.diff(times_s)))
        # Sampled frames sit up to a source frame off the sampling clock: half an interval of slack
        # keeps a gap of four missing 10 Hz samples (0.5 s on the clock) from reading 0.5005 s.
        max_gap_s = max(max_gap_s, MIN_FILLED_INTERVALS * interval) + 0.5 * interval
    for column in flat.T:
        missing = np.isnan(column)
        if not missing.any() or missing.all():
            continue
        known = np.flatnonzero(~missing)
        interpolated = np.interp(times_s, times_s[known], column[known])
        for start, stop in _runs(missing):
            inside = start > 0 and stop < len(column)
            if inside and times_s[stop] - times_s[start - 1] <= max_gap_s + 1e-9:
                column[start:stop] = interpolated[start:stop]
    return flat.reshape(values.shape)


def lowpass(
    values: npt.ArrayLike, times_s: FloatArray, cutoff_hz: float = DEFAULT_CUTOFF_HZ, order: int = 2
) -> FloatArray:
    """Zero-lag Butterworth low-pass along axis 0; each NaN-free stretch is filtered separately.

    Parameters
    ----------
    values : (T, ...) array
        Samples in time order, NaN where missing.
    times_s : (T,) array
        Their times; the sampling rate is their median rate.
    cutoff_hz : float
        The filter's cutoff.
    order : int
        The Butterworth order of each pass (forward and backward).

    Returns
    -------
    (T, ...) array
        The filtered values, NaN where ``values`` is; unchanged when the cutoff is at or above the
        Nyquist frequency or there are fewer than two samples.
    """
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return values.copy()
    rate_hz = 1.0 / float(np.median(np.diff(times_s)))
    if cutoff_hz >= 0.5 * rate_hz * 0.95:
        return values.copy()
    sos = butterworth_sos(order, cutoff_hz, rate_hz)
    flat = values.reshape(len(values), -1)
    out = np.full_like(flat, np.nan)
    whole = ~np.isnan(flat).any(axis=0)  # columns without a gap: filtered together, in one call
    if whole.any():
        pad = min(3 * (2 * len(sos) + 1), len(flat) - 1)
        out[:, whole] = signal.sosfiltfilt(sos, flat[:, whole], axis=0, padlen=pad)
    for j in np.flatnonzero(~whole):
        column = flat[:, j]
        for start, stop in _runs(~np.isnan(column)):
            stretch = column[start:stop]
            pad = min(3 * (2 * len(sos) + 1), len(stretch) - 1)
            out[start:stop, j] = signal.sosfiltfilt(sos, stretch, padlen=pad) if pad > 0 else stretch
    return out.reshape(values.shape)


def clean(
    values: npt.ArrayLike,
    times_s: FloatArray,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
) -> FloatArray:
    """The offline cleaning: outlier rejection, then gap filling, then zero-lag low-pass.

    Parameters
    ----------
    values : (T, ...) array
        Samples in time order, NaN where missing.
    times_s : (T,) array
        Their times, increasing.
    cutoff_hz : float
        Cutoff of :func:`lowpass`.
    max_gap_s : float
        Longest gap :func:`fill_gaps` fills.

    Returns
    -------
    (T, ...) array
        The cleaned values.
    """
    return lowpass(fill_gaps(reject_outliers(values), times_s, max_gap_s), times_s, cutoff_hz)


def _interpolate_all(values: FloatArray) -> FloatArray:
    flat = values.reshape(len(values), -1).copy()
    index = np.arange(len(values))
    for column in flat.T:
        known = ~np.isnan(column)
        if known.any() and not known.all():
            column[~known] = np.interp(index[~known], index[known], column[known])
    return flat.reshape(values.shape)


def _runs(mask: BoolArray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of the runs of True in a 1-D bool array."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(start), int(stop)) for start, stop in zip(edges[::2], edges[1::2])]


@lru_cache(maxsize=64)
def butterworth_sos(order: int, cutoff_hz: float, rate_hz: float) -> FloatArray:
    """Design a Butterworth low-pass once per (order, cutoff, rate).

    Parameters
    ----------
    order : int
        Filter order.
    cutoff_hz : float
        Cut-off frequency.
    rate_hz : float
        Sampling rate of the signal.

    Returns
    -------
    FloatArray
        Second-order sections, shared by every signal of a track.
    """
    sos: FloatArray = signal.butter(order, cutoff_hz, fs=rate_hz, output="sos")
    return sos
