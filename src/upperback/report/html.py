"""The HTML report: one self-contained page a lifter reads in ten seconds and can keep.

Everything is inside the file (styles, plotly.js once, key frames as base64 JPEG), so it opens
offline, on a phone, and prints cleanly. Every coaching sentence on the page (fault
explanations, cues, why they matter, safety rules, filming advice) comes from the movement's
library entry; the page only arranges them.
"""

from __future__ import annotations

import base64
import io
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import numpy as np
import plotly.graph_objects as go
from PIL import Image

from upperback import __version__
from upperback.form.report import FaultEvent, FormReport, Rep
from upperback.kinematics.signals import BodySignals, body_signals
from upperback.library import get_library
from upperback.library.models import Movement
from upperback.pose.decode import iter_frames
from upperback.pose.track import PoseTrack
from upperback.report.key_signals import SIGNALS, fault_signal, plotted_signals, signal_values
from upperback.report.overlay import FrameOverlay
from upperback.report.timeline import DEFAULT_PHASE_WORDS, PHASE_WORDS, SEVERITY_RANK

SEVERITY_HEX = {"info": "#2563eb", "warning": "#d97706", "error": "#dc2626"}
SEVERITY_WEIGHT = {"info": 1, "warning": 3, "error": 9}
"""How much a fault of each severity counts against a rep when picking the best and worst."""
KEY_FRAME_WIDTH = 960
"""Key frames wider than this are scaled down (pixels)."""
PLOT_HEIGHT_PX = 250
MIN_SPAN_DEG, MIN_SPAN_RATIO = 20.0, 0.2
"""Smallest y range of a plot in degrees and for ratios."""
LANE_HEIGHT = 0.07
"""Share of a plot's height taken by each fault's lane above the curve."""
REP_METRIC_COLUMNS = 3
"""Per-rep measures shown in the table besides the timing (the form module's first ones)."""

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("upperback.report", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def write_html_report(report: FormReport, track: PoseTrack, path: Path, video: Path | None = None) -> Path:
    """Write the report as one offline HTML file.

    Parameters
    ----------
    report
        The analysis.
    track
        The pose track it was made from (for the plots and the key frames' skeletons).
    path
        Where to write (atomically: a temporary file renamed when complete).
    video
        The analysed video, for key frames of the best and worst rep; without it (landmark
        input) the page says why there are none.

    Returns
    -------
    Path
        ``path``.
    """
    page = render_html_report(report, track, video)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(page)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def render_html_report(report: FormReport, track: PoseTrack, video: Path | None = None) -> str:
    """The report page as a string (see :func:`write_html_report`)."""
    movement = get_library().movement(report.exercise)
    signals = body_signals(track)
    shown = plotted_signals(movement, report.view)
    groups = fault_groups(report, movement)
    ranked = rank_reps(report, signals, movement)
    context = {
        "report": report,
        "movement": movement,
        "version": __version__,
        "stats": summary_stats(report, movement),
        "fault_groups": groups,
        "safety": [
            {"id": cue.id, "text": cue.text, "coaching_only": cue.coaching_only,
             "flagged": any(g.safety_id == cue.id for g in groups)}
            for cue in movement.safety
        ],
        "measured": [metric_text(name, value) for name, value in report.metrics.items()
                     if isinstance(value, float | int) and math.isfinite(value)],
        "rep_table": rep_table(report, movement, ranked),
        "plots": plots(report, movement, signals, shown),
        "key_frames": key_frames(report, track, movement, ranked, video) if video is not None else [],
        "has_video": video is not None,
        "filming": filming_advice(report, movement),
        "low_confidence": [f"{a:.1f}–{b:.1f} s" for a, b in report.quality.low_confidence_spans],
        "severity_hex": SEVERITY_HEX,
    }
    return _TEMPLATES.get_template("report.html.j2").render(**context)


# --------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class FaultGroup:
    """All occurrences of one fault, with the library's words about it."""

    code: str
    severity: str
    title: str
    where: str
    explanation: str
    cue: str
    why: str
    safety_id: str
    safety_text: str
    count: int
    events: list[FaultEvent] = field(default_factory=list, repr=False)


def fault_groups(report: FormReport, movement: Movement) -> list[FaultGroup]:
    """The faults found, one group per code, most severe and most frequent first."""
    by_code: dict[str, list[FaultEvent]] = {}
    for event in report.faults:
        by_code.setdefault(event.code, []).append(event)
    groups = []
    for code, events in by_code.items():
        first = events[0]
        try:
            fault = movement.fault(code)
        except KeyError:
            continue
        cue = movement.safety_cue(fault.enforces)
        groups.append(FaultGroup(code=code, severity=first.severity, title=fault.title, where=_where(events),
                                 explanation=fault.explanation, cue=fault.cue, why=fault.why_it_matters,
                                 safety_id=cue.id, safety_text=cue.text, count=len(events), events=events))
    return sorted(groups, key=lambda g: (SEVERITY_RANK.get(g.severity, 9), -g.count, g.events[0].start_s))


def _where(events: list[FaultEvent]) -> str:
    """'reps 1–3, 5' for per-rep faults; '3.2–4.0 s' stretches otherwise."""
    if all(e.rep is not None for e in events):
        reps = sorted({e.rep + 1 for e in events})
        return ("rep " if len(reps) == 1 else "reps ") + _ranges(reps)
    return ", ".join(f"{e.start_s:.1f}–{e.end_s:.1f} s" for e in events[:4]) + (" …" if len(events) > 4 else "")


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] → '1–3, 5'."""
    runs = [[numbers[0], numbers[0]]]
    for number in numbers[1:]:
        if number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)


def summary_stats(report: FormReport, movement: Movement) -> list[dict[str, str]]:
    """The big numbers of the summary card: count, tempo of each half of a rep, set time."""
    stats = []
    if report.reps or "steps" not in report.metrics:
        stats.append({"value": str(report.rep_count), "label": "rep" if report.rep_count == 1 else "reps"})
    else:
        stats.append({"value": f"{report.metrics['steps']:.0f}", "label": "steps"})
        cadence = report.metrics.get("cadence_steps_per_min", float("nan"))
        if math.isfinite(cadence):
            stats.append({"value": f"{cadence:.0f}", "label": "steps a minute"})
    if report.reps:
        up, _, down = PHASE_WORDS.get(movement.id, DEFAULT_PHASE_WORDS)
        stats.append({"value": f"{np.mean([r.concentric_s for r in report.reps]):.1f} s",
                      "label": f"{up}, per rep"})
        stats.append({"value": f"{np.mean([r.eccentric_s for r in report.reps]):.1f} s",
                      "label": f"{down}, per rep"})
    duration = report.metrics.get("set_duration_s", report.metrics.get("carry_duration_s", float("nan")))
    if math.isfinite(duration):
        stats.append({"value": f"{duration:.0f} s", "label": "set" if report.reps else "carrying"})
    return stats


UNITS = {"_deg": "°", "_s": " s", "_per_min": "/min", "_ratio": ""}


def metric_text(name: str, value: float) -> dict[str, str]:
    """{'label': 'mean eccentric', 'value': '1.2 s'} for ``mean_eccentric_s``, 1.234."""
    unit = next((u for suffix, u in UNITS.items() if name.endswith(suffix)), "")
    label = name
    for suffix in UNITS:
        label = label.removesuffix(suffix)
    return {"label": label.replace("_", " "), "value": format_value(name, value) + unit}


def format_value(name: str, value: float) -> str:
    if not math.isfinite(value):
        return "–"
    if name.endswith("_ratio"):
        return f"{value:.2f}"
    if name.endswith("_s") or abs(value) < 10 and not float(value).is_integer():
        return f"{value:.1f}"
    return f"{value:.0f}"


# --------------------------------------------------------------------------- reps


@dataclass(frozen=True)
class RankedReps:
    """Indices of the best and the worst rep (equal with one rep; None with none)."""

    best: int | None
    worst: int | None
    scores: dict[int, float]


def rank_reps(report: FormReport, signals: BodySignals, movement: Movement) -> RankedReps:
    """Best and worst rep: fewest and most fault weight (:data:`SEVERITY_WEIGHT`); ties go to
    the rep that moved through the larger (best) or smaller (worst) range of the key signal."""
    if not report.reps:
        return RankedReps(None, None, {})
    key = plotted_signals(movement, report.view)[0]
    values = signal_values(signals, key)
    scores: dict[int, float] = {}
    ranges: dict[int, float] = {}
    for rep in report.reps:
        codes = {f.code: f.severity for f in report.faults if f.rep == rep.index}
        for code in rep.faults:
            codes.setdefault(code, _severity(movement, code))
        scores[rep.index] = float(sum(SEVERITY_WEIGHT.get(s, 1) for s in codes.values()))
        inside = values[(signals.times_s >= rep.start_s) & (signals.times_s <= rep.end_s)]
        finite = inside[np.isfinite(inside)]
        ranges[rep.index] = float(np.ptp(finite)) if len(finite) else 0.0
    best = min(scores, key=lambda i: (scores[i], -ranges[i], i))
    worst = max(scores, key=lambda i: (scores[i], -ranges[i], -i))
    return RankedReps(best, worst, scores)


def _severity(movement: Movement, code: str) -> str:
    try:
        return movement.fault(code).severity.value
    except KeyError:
        return "warning"


def rep_table(report: FormReport, movement: Movement, ranked: RankedReps) -> dict:
    """Header and rows of the per-rep table."""
    names = dict.fromkeys(name for rep in report.reps for name in rep.metrics)
    columns = [name for name in names if name not in ("concentric_s", "eccentric_s")
               and any(math.isfinite(rep.metrics.get(name, float("nan"))) for rep in report.reps)]
    columns = columns[:REP_METRIC_COLUMNS]
    up, _, down = PHASE_WORDS.get(movement.id, DEFAULT_PHASE_WORDS)
    header = ["#", "start", up, down] + [metric_text(c, 0.0)["label"] for c in columns] + ["faults"]
    rows = []
    for rep in report.reps:
        faults = sorted({(f.code, f.severity) for f in report.faults if f.rep == rep.index}
                        | {(c, _severity(movement, c)) for c in rep.faults},
                        key=lambda cs: SEVERITY_RANK.get(cs[1], 9))
        rows.append({
            "number": rep.index + 1,
            "cells": [f"{rep.start_s:.1f} s", f"{rep.concentric_s:.1f} s", f"{rep.eccentric_s:.1f} s"]
            + [metric_text(c, rep.metrics.get(c, float("nan")))["value"] for c in columns],
            "faults": [{"title": _title(movement, code), "severity": severity} for code, severity in faults],
            "tag": _rep_tag(rep, ranked, len(report.reps)),
        })
    return {"header": header, "rows": rows}


def _rep_tag(rep: Rep, ranked: RankedReps, count: int) -> str:
    if count < 2:
        return ""
    if rep.index == ranked.best:
        return "best"
    if rep.index == ranked.worst:
        return "worst"
    return ""


def _title(movement: Movement, code: str) -> str:
    try:
        return movement.fault(code).title
    except KeyError:
        return code.replace("_", " ")


# --------------------------------------------------------------------------- plots


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
            figure.add_vrect(x0=start, x1=max(end, start + 0.1), fillcolor="#9ca3af", opacity=0.35, line_width=0,
                             layer="below")
        unit = "°" if name.endswith("_deg") else ""
        number_format = ".0f" if unit else ".2f"
        figure.add_trace(go.Scatter(
            x=times.round(3).tolist(), y=[None if not math.isfinite(v) else round(float(v), 3) for v in values],
            mode="lines", name=spec.label, showlegend=False, line={"color": "#0f766e", "width": 2.5},
            hovertemplate=f"%{{x:.1f}} s: %{{y:{number_format}}}{unit}<extra></extra>", connectgaps=False))
        figure.update_layout(
            height=PLOT_HEIGHT_PX, margin={"l": 48, "r": 12, "t": 46, "b": 40}, template="plotly_white",
            font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
            hovermode="closest", showlegend=bool(lanes),
            legend={"orientation": "h", "x": 0, "y": 1.1, "xanchor": "left", "yanchor": "bottom",
                    "font": {"size": 11}, "bgcolor": "rgba(0,0,0,0)"},
            yaxis2={"domain": [1 - LANE_HEIGHT * len(lanes), 1], "range": [len(lanes) - 0.5, -0.5],
                    "visible": False, "fixedrange": True},
            xaxis={"title": {"text": "time (s)", "standoff": 4}, "range": [0, max(report.source.duration_s, 0.1)],
                   "fixedrange": False},
            yaxis={"title": {"text": f"{spec.label} ({unit or 'ratio'})"}, "fixedrange": True,
                   "range": _value_range(values, MIN_SPAN_DEG if unit else MIN_SPAN_RATIO),
                   "domain": [0, 1 - LANE_HEIGHT * len(lanes) - (0.02 if lanes else 0)]},
        )
        html = figure.to_html(full_html=False, include_plotlyjs=number == 0, div_id=f"plot-{name}",
                              default_width="100%", default_height=f"{PLOT_HEIGHT_PX}px",
                              config={"responsive": True, "displaylogo": False, "scrollZoom": False,
                                      "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"]})
        found.append({"name": name, "label": spec.label, "meaning": spec.meaning, "html": html})
    return found


def _shade_fault(figure: go.Figure, movement: Movement, code: str, events: list[FaultEvent], lane: int,
                 shaded: list[tuple[float, float]]) -> None:
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
    title = _title(movement, code)
    figure.add_trace(go.Scatter(x=xs, y=[lane if x is not None else None for x in xs], yaxis="y2", mode="lines",
                                line={"color": colour, "width": 7}, name=title, hovertemplate=f"{title}<extra></extra>"))


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
        figure.add_vrect(x0=rep.start_s, x1=rep.end_s, fillcolor="#0f766e" if rep.index % 2 == 0 else "#64748b",
                         opacity=0.07, line_width=0, layer="below")
        figure.add_vline(x=rep.top_s, line={"color": "#94a3b8", "width": 1, "dash": "dot"}, layer="below")
        figure.add_annotation(x=(rep.start_s + rep.end_s) / 2, y=1, yref="paper", yanchor="bottom",
                              text=str(rep.index + 1), showarrow=False, font={"size": 10, "color": "#64748b"})


# --------------------------------------------------------------------------- key frames


def key_frames(report: FormReport, track: PoseTrack, movement: Movement, ranked: RankedReps,
               video: Path) -> list[dict]:
    """The best and the worst rep at their turning point, with the skeleton and the gauge of the
    annotated video, cropped to the body (JPEG, base64). Without reps: the most serious fault's
    moment and a moment without one."""
    moments = []
    if ranked.best is not None:
        reps = {rep.index: rep for rep in report.reps}
        if ranked.best == ranked.worst:
            moments.append(("Your rep", reps[ranked.best]))
        else:
            moments += [("Best rep", reps[ranked.best]), ("Worst rep", reps[ranked.worst])]
        chosen = [(title, rep.top_s, _rep_caption(report, movement, rep)) for title, rep in moments]
    else:
        chosen = _moments_without_reps(report, movement)
    overlay = FrameOverlay(track, report, movement)
    frames = []
    for title, time_s, caption in chosen:
        rgb = _frame_at(video, time_s)
        if rgb is None:
            continue
        box = overlay.focus_box(rgb, time_s)
        overlay.draw(rgb, time_s, panels=False)
        if box is not None:
            x0, y0, x1, y1 = box
            rgb = rgb[y0:y1, x0:x1]
        frames.append({"title": title, "caption": caption, "time": f"{time_s:.1f} s", "src": _jpeg_data_uri(rgb)})
    return frames


def _rep_caption(report: FormReport, movement: Movement, rep: Rep) -> str:
    codes = list(dict.fromkeys([f.code for f in report.faults if f.rep == rep.index] + list(rep.faults)))
    titles = ", ".join(_title(movement, c) for c in codes)
    return f"Rep {rep.index + 1}: " + (titles if titles else "no faults found")


def _moments_without_reps(report: FormReport, movement: Movement) -> list[tuple[str, float, str]]:
    duration = report.source.duration_s
    if report.faults:
        worst = min(report.faults, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), -(f.end_s - f.start_s)))
        middle = (worst.start_s + worst.end_s) / 2
        found = [("Fault", middle, _title(movement, worst.code))]
        calm = _calm_time(report, duration)
        if calm is not None:
            found.append(("No fault", calm, "A moment with nothing flagged"))
        return found
    return [("Mid-set", duration / 2, "A moment from the middle of the video")]


def _calm_time(report: FormReport, duration: float) -> float | None:
    """The middle of the longest stretch with no fault under way."""
    edges = sorted([(0.0, 0.0)] + [(f.start_s, f.end_s) for f in report.faults] + [(duration, duration)])
    best, best_length, reached = None, 0.0, 0.0
    for start, end in edges:
        if start - reached > best_length:
            best, best_length = (reached + start) / 2, start - reached
        reached = max(reached, end)
    return best


def _frame_at(video: Path, time_s: float) -> np.ndarray | None:
    for frame in iter_frames(video, start_s=max(time_s, 0.0), end_s=time_s + 1.0):
        return frame.rgb.copy() if not frame.rgb.flags.writeable else frame.rgb
    return None


def _jpeg_data_uri(rgb: np.ndarray) -> str:
    image = Image.fromarray(rgb)
    if image.width > KEY_FRAME_WIDTH:
        image = image.resize((KEY_FRAME_WIDTH, round(image.height * KEY_FRAME_WIDTH / image.width)),
                             Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=84, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# --------------------------------------------------------------------------- filming


def filming_advice(report: FormReport, movement: Movement) -> dict | None:
    """The library's camera advice and what the analysis could not judge, when the view kept
    checks from running or the analysis left notes; None when filming was fine."""
    blocked = [f.title for f in movement.faults if report.view not in {v.value for v in f.views}]
    view_ok = report.view in {movement.camera.preferred_view.value} | {v.value for v in movement.camera.acceptable_views}
    if view_ok and not blocked and not report.quality.warnings and not report.quality.skipped_checks:
        return None
    return {
        "show_advice": bool(blocked) or not view_ok or bool(report.quality.warnings),
        "advice": movement.camera.advice,
        "preferred": movement.camera.preferred_view.value,
        "view_ok": view_ok,
        "blocked": blocked,
        "warnings": report.quality.warnings,
        "skipped": report.quality.skipped_checks,
    }
