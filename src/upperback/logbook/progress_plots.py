"""Progress plots: a PNG (matplotlib, no display needed) and a self-contained interactive HTML (plotly)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import plotly.graph_objects as go
from matplotlib.figure import Figure
from plotly.subplots import make_subplots

from upperback.files import atomic_write_bytes, atomic_write_text
from upperback.logbook.progress import Progress, binned_volume

MAX_E1RM_LINES = 6
MAX_MUSCLES = 8
PANEL_TITLES = ("Estimated 1RM (kg)", "Hard sets per week, by muscle", "Form faults: share of reps")
EDGE_DAYS = 4
"""Room left and right of the first and last point, so a single week is a visible bar, not an axis
matplotlib widens by years around one date."""


def top_exercises(progress: Progress) -> list[str]:
    """The exercises with the most e1RM data points (the ones worth plotting)."""
    ranked = sorted(progress.e1rm, key=lambda key: (-len(progress.e1rm[key]), key))
    return ranked[:MAX_E1RM_LINES]


def top_muscles(progress: Progress) -> list[str]:
    totals: dict[str, float] = {}
    for week in progress.weekly_volume:
        for muscle, sets in week.hard_sets.items():
            totals[muscle] = totals.get(muscle, 0.0) + sets
    return sorted(totals, key=lambda m: (-totals[m], m))[:MAX_MUSCLES]


def fault_series(progress: Progress) -> list[tuple[str, list, list[float]]]:
    """(label, times, rates) per movement and fault code."""
    series = []
    for exercise, points in sorted(progress.fault_trends.items()):
        for code in sorted({c for p in points for c in p.rates}):
            series.append(
                (
                    f"{progress.labels.get(exercise, exercise)}: {code}",
                    [p.analyzed_at for p in points],
                    [p.rates.get(code, 0.0) for p in points],
                )
            )
    return series


def write_png(progress: Progress, path: Path) -> Path:
    """Three panels: e1RM per exercise, weekly hard sets per muscle, fault rates per movement."""
    buffer = io.BytesIO()
    png_figure(progress).savefig(buffer, format="png", dpi=100)
    return atomic_write_bytes(path, buffer.getvalue())


def png_figure(progress: Progress) -> Figure:
    """The matplotlib figure :func:`write_png` saves."""
    figure = Figure(figsize=(11, 12), layout="constrained")
    e1rm_axes, volume_axes, fault_axes = figure.subplots(3, 1)
    days = []
    for key in top_exercises(progress):
        points = progress.e1rm[key]
        days += [p.day for p in points]
        e1rm_axes.plot([p.day for p in points], [p.e1rm_kg for p in points], marker=".", label=progress.labels[key])
    if days:
        e1rm_axes.set_xlim(min(days) - timedelta(days=EDGE_DAYS), max(days) + timedelta(days=EDGE_DAYS))
    bins = binned_volume(progress.weekly_volume)
    muscles = top_muscles(progress)
    for n, muscle in enumerate(muscles):
        width = bins[0].weeks * 7 * 0.8 / len(muscles) if bins else 1
        starts = [b.start + timedelta(days=bins[0].weeks * 7 * 0.1 + n * width) for b in bins]
        volume_axes.bar(starts, [b.hard_sets.get(muscle, 0.0) for b in bins], width=width, align="edge", label=muscle)
    if bins:
        volume_axes.set_xlim(
            bins[0].start - timedelta(days=EDGE_DAYS), bins[-1].start + timedelta(weeks=bins[-1].weeks, days=EDGE_DAYS)
        )
        if bins[0].weeks > 1:
            volume_axes.set_title(f"{PANEL_TITLES[1]} ({bins[0].weeks}-week averages)")
    for label, times, rates in fault_series(progress):
        fault_axes.plot(times, rates, marker="o", label=label)
    for axes, title in zip((e1rm_axes, volume_axes, fault_axes), PANEL_TITLES, strict=True):
        if not axes.get_title():
            axes.set_title(title)
        if axes.lines or axes.patches:
            axes.legend(fontsize="small", loc="upper left")
        else:
            axes.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=axes.transAxes)
    return figure


def write_html(progress: Progress, path: Path) -> Path:
    """The same panels as an interactive page with plotly.js embedded (works offline)."""
    figure = make_subplots(rows=3, cols=1, subplot_titles=PANEL_TITLES, vertical_spacing=0.08)
    for key in top_exercises(progress):
        points = progress.e1rm[key]
        figure.add_trace(
            go.Scatter(
                x=[p.day for p in points],
                y=[round(p.e1rm_kg, 1) for p in points],
                mode="lines+markers",
                name=progress.labels[key],
                legendgroup="e1rm",
                customdata=[f"{p.load_kg:.1f} kg x {p.reps}" for p in points],
                hovertemplate="%{x}: %{y} kg (%{customdata})",
            ),
            row=1,
            col=1,
        )
    weeks = [w.week_start for w in progress.weekly_volume]
    for muscle in top_muscles(progress):
        figure.add_trace(
            go.Scatter(
                x=weeks,
                y=[w.hard_sets.get(muscle, 0.0) for w in progress.weekly_volume],
                mode="lines",
                name=muscle,
                legendgroup="volume",
            ),
            row=2,
            col=1,
        )
    for label, times, rates in fault_series(progress):
        figure.add_trace(
            go.Scatter(x=times, y=rates, mode="lines+markers", name=label, legendgroup="faults"), row=3, col=1
        )
    figure.update_layout(height=1100, title="upperback progress", legend={"groupclick": "toggleitem"})
    return atomic_write_text(path, figure.to_html(include_plotlyjs=True, full_html=True))
