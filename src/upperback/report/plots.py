"""The time-series plots of the HTML report: one interactive plotly figure per key signal,
with the reps as light bands and each fault as a coloured lane and band."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from upperback.form.report import FaultEvent, FormReport, Rep
from upperback.kinematics.signals import BodySignals
from upperback.library.models import Movement
from upperback.report.key_signals import SIGNALS, fault_signal, signal_values
from upperback.report.timeline import SEVERITY_RANK, fault_title

SEVERITY_HEX = {"info": "#2563eb", "warning": "#d97706", "error": "#dc2626"}
"""Fault colours on the page."""
PLOT_HEIGHT_PX = 250
MIN_SPAN_DEG, MIN_SPAN_RATIO = 20.0, 0.2
"""Smallest y range of a plot in degrees and for ratios."""
LANE_HEIGHT = 0.07
"""Share of a plot's height taken by each fault's lane above the curve."""


def plots(report: FormReport, movement: Movement, signals: BodySignals, shown: list[str]) -> list[dict]:
    """One interactive plot per shown signal; plotly.js is embedded once, with the first."""
    times = signals.times_s
    found = []
    for number, name in enumerate(shown):
        spec = SIGNALS[name]
        values = signal_values(signals, name)
        figure = go.Figure()
        _shade_reps(figure, report.reps)
        lanes: dict[str, list[FaultEvent]] = {}
        for event in report.faults:
            if fault_signal(event.code, movement, report.view, shown) == name:
                lanes.setdefault(event.code, []).append(event)
        shaded: list[tuple[float, float]] = []
        ordered = sorted(lanes.items(), key=lambda item: SEVERITY_RANK.get(item[1][0].severity, 9))
        for lane, (code, events) in enumerate(ordered):
            _shade_fault(figure, movement, code, events, lane, shaded)
        for start, end in report.quality.low_confidence_spans:
            figure.add_vrect(
                x0=start, x1=max(end, start + 0.1), fillcolor="#9ca3af", opacity=0.35, line_width=0, layer="below"
            )
        unit = "°" if name.endswith("_deg") else ""
        number_format = ".0f" if unit else ".2f"
        figure.add_trace(
            go.Scatter(
                x=times.round(3).tolist(),
                y=[None if not math.isfinite(v) else round(float(v), 3) for v in values],
                mode="lines",
                name=spec.label,
                showlegend=False,
                line={"color": "#0f766e", "width": 2.5},
                hovertemplate=f"%{{x:.1f}} s: %{{y:{number_format}}}{unit}<extra></extra>",
                connectgaps=False,
            )
        )
        figure.update_layout(
            height=PLOT_HEIGHT_PX,
            margin={"l": 48, "r": 12, "t": 46, "b": 40},
            template="plotly_white",
            font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
            hovermode="closest",
            showlegend=bool(lanes),
            legend={
                "orientation": "h",
                "x": 0,
                "y": 1.1,
                "xanchor": "left",
                "yanchor": "bottom",
                "font": {"size": 11},
                "bgcolor": "rgba(0,0,0,0)",
            },
            yaxis2={
                "domain": [1 - LANE_HEIGHT * len(lanes), 1],
                "range": [len(lanes) - 0.5, -0.5],
                "visible": False,
                "fixedrange": True,
            },
            xaxis={
                "title": {"text": "time (s)", "standoff": 4},
                "range": [0, max(report.source.duration_s, 0.1)],
                "fixedrange": False,
            },
            yaxis={
                "title": {"text": f"{spec.label} ({unit or 'ratio'})"},
                "fixedrange": True,
                "range": _value_range(values, MIN_SPAN_DEG if unit else MIN_SPAN_RATIO),
                "domain": [0, 1 - LANE_HEIGHT * len(lanes) - (0.02 if lanes else 0)],
            },
        )
        html = figure.to_html(
            full_html=False,
            include_plotlyjs=number == 0,
            div_id=f"plot-{name}",
            default_width="100%",
            default_height=f"{PLOT_HEIGHT_PX}px",
            config={
                "responsive": True,
                "displaylogo": False,
                "scrollZoom": False,
                "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
            },
        )
        found.append({"name": name, "label": spec.label, "meaning": spec.meaning, "html": html})
    return found


def _shade_fault(
    figure: go.Figure,
    movement: Movement,
    code: str,
    events: list[FaultEvent],
    lane: int,
    shaded: list[tuple[float, float]],
) -> None:
    """A bar for each stretch of one fault in its own lane at the top of the plot, with its
    title in the legend and on hover, and a band behind the curve where no more severe fault
    (shaded earlier, listed in ``shaded``) has one already."""
    colour = SEVERITY_HEX.get(events[0].severity, "#6b7280")
    xs: list[float | None] = []
    for event in events:
        end = max(event.end_s, event.start_s + 0.1)
        if not any(start < end and event.start_s < stop for start, stop in shaded):
            figure.add_vrect(x0=event.start_s, x1=end, fillcolor=colour, opacity=0.14, line_width=0, layer="below")
            shaded.append((event.start_s, end))
        xs += [event.start_s, end, None]
    title = fault_title(movement, code)
    figure.add_trace(
        go.Scatter(
            x=xs,
            y=[lane if x is not None else None for x in xs],
            yaxis="y2",
            mode="lines",
            line={"color": colour, "width": 7},
            name=title,
            hovertemplate=f"{title}<extra></extra>",
        )
    )


def _value_range(values: np.ndarray, min_span: float) -> list[float] | None:
    """A y range around the data at least ``min_span`` tall, so small wobbles look small."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return None
    low, high = float(finite.min()), float(finite.max())
    pad = max((min_span - (high - low)) / 2, 0.0) + 0.06 * max(high - low, min_span)
    return [low - pad, high + pad]


def _shade_reps(figure: go.Figure, reps: list[Rep]) -> None:
    """A light band over each rep, its number above it, and a dotted line at its turning point."""
    for rep in reps:
        figure.add_vrect(
            x0=rep.start_s,
            x1=rep.end_s,
            fillcolor="#0f766e" if rep.index % 2 == 0 else "#64748b",
            opacity=0.07,
            line_width=0,
            layer="below",
        )
        figure.add_vline(x=rep.top_s, line={"color": "#94a3b8", "width": 1, "dash": "dot"}, layer="below")
        figure.add_annotation(
            x=(rep.start_s + rep.end_s) / 2,
            y=1,
            yref="paper",
            yanchor="bottom",
            text=str(rep.index + 1),
            showarrow=False,
            font={"size": 10, "color": "#64748b"},
        )
