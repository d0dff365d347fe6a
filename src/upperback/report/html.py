"""The HTML report: one self-contained page a lifter reads in ten seconds and can keep.

Everything is inside the file (styles, plotly.js once, key frames as base64 JPEG), so it opens
offline, on a phone, and prints cleanly. Every coaching sentence on the page (fault
explanations, cues, why they matter, safety rules, filming advice) comes from the movement's
library entry; the page only arranges them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import numpy as np

from upperback import __version__
from upperback.files import atomic_write_text
from upperback.form.report import FaultEvent, FormReport, Rep
from upperback.library import get_library
from upperback.library.models import Movement, View
from upperback.report.fault_kinds import (
    BROKEN_SEVERITY,
    fault_kinds,
    headline,
    is_partial,
    reach,
    rep_fault_codes,
    rep_list,
)
from upperback.report.key_frames import RankedReps, key_frames, rank_reps
from upperback.report.key_signals import plotted_signals
from upperback.report.plots import SEVERITY_HEX, plots
from upperback.report.timeline import SEVERITY_RANK, fault_severity, fault_title, phase_words, skipped_check_text

if TYPE_CHECKING:
    from upperback.analysis import Analysis

VIEW_WORDS = {view.value: view.words for view in View}
"""Where the camera stood, as the page says it."""
REP_METRIC_COLUMNS = 3
"""Per-rep measures shown in the table besides the timing (the form module's first ones)."""

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("upperback.report", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def write_html_report(analysis: Analysis, path: Path, video: Path | None = None) -> Path:
    """Write the report as one offline HTML file.

    Parameters
    ----------
    analysis
        The analysis, with the pose track and signals it was made from (for the plots and the
        key frames' skeletons).
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
    page = render_html_report(analysis, video)
    return atomic_write_text(path, page)


def render_html_report(analysis: Analysis, video: Path | None = None) -> str:
    """The report page as a string (see :func:`write_html_report`)."""
    report, signals = analysis.report, analysis.signals
    movement = get_library().movement(report.exercise)
    shown = plotted_signals(movement, report.view)
    groups = fault_groups(report, movement)
    ranked = rank_reps(report, signals, movement)
    context = {
        "report": report,
        "movement": movement,
        "version": __version__,
        "stats": summary_stats(report, movement),
        "fault_groups": groups,
        "headline": headline(fault_kinds(report, movement), report.rep_count),
        "safety": [
            {
                "id": cue.id,
                "text": cue.text,
                "coaching_only": cue.coaching_only,
                "flagged": _safety_flag(cue.id, groups),
            }
            for cue in movement.safety
        ],
        "measured": [
            metric_text(name, value)
            for name, value in report.metrics.items()
            if isinstance(value, float | int) and math.isfinite(value)
        ],
        "rep_table": rep_table(report, movement, ranked),
        "plots": plots(report, movement, signals, shown),
        "key_frames": key_frames(analysis, movement, ranked, video) if video is not None else [],
        "has_video": video is not None,
        "filming": filming_advice(report, movement),
        "low_confidence": [f"{a:.1f}–{b:.1f} s" for a, b in report.quality.low_confidence_spans],
        "severity_hex": SEVERITY_HEX,
        "view_words": VIEW_WORDS,
        "title": movement.name_for(report.variant),
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
    place: str
    """How much of the set it touched, and where: 'in 1 of 6 reps · rep 3'; 'in all 6 reps'."""
    events: list[FaultEvent] = field(default_factory=list, repr=False)


def fault_groups(report: FormReport, movement: Movement) -> list[FaultGroup]:
    """The faults found, one group per kind (:func:`fault_kinds` order: most severe, then most reps)."""
    by_code: dict[str, list[FaultEvent]] = {}
    for event in report.faults:
        by_code.setdefault(event.code, []).append(event)
    groups = []
    for kind in fault_kinds(report, movement):
        events = by_code.get(kind.code, [])
        try:
            fault = movement.fault(kind.code)
        except KeyError:
            continue
        cue = movement.safety_cue(fault.enforces)
        where = _where(events) if events else rep_list(kind.reps)
        how_much = reach(len(kind.reps), report.rep_count, kind.times)
        every_rep = len(kind.reps) == report.rep_count > 1
        groups.append(
            FaultGroup(
                code=kind.code,
                severity=kind.severity,
                title=kind.label,
                where=where,
                explanation=fault.explanation,
                cue=fault.cue,
                why=fault.why_it_matters,
                safety_id=cue.id,
                safety_text=cue.text,
                count=len(events),
                place=how_much if every_rep else f"{how_much} · {where}",
                events=events,
            )
        )
    return groups


def _safety_flag(cue_id: str, groups: list[FaultGroup]) -> str:
    """'broken' when an error-severity fault broke the rule, 'watch' for milder faults, '' otherwise."""
    severities = {g.severity for g in groups if g.safety_id == cue_id}
    if BROKEN_SEVERITY in severities:
        return "broken"
    return "watch" if severities else ""


def _where(events: list[FaultEvent]) -> str:
    """'reps 1–3, 5' for per-rep faults; '3.2–4.0 s' stretches otherwise."""
    if all(e.rep is not None for e in events):
        return rep_list(sorted({e.rep + 1 for e in events if e.rep is not None}))
    return ", ".join(f"{e.start_s:.1f}–{e.end_s:.1f} s" for e in events[:4]) + (" …" if len(events) > 4 else "")


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
    whole = [r for r in report.reps if not is_partial(r)]  # a rep cut by the clip's edge has no tempo
    if whole:
        up, _, down = phase_words(movement)
        stats.append({"value": f"{np.mean([r.concentric_s for r in whole]):.1f} s", "label": f"{up}, per rep"})
        stats.append({"value": f"{np.mean([r.eccentric_s for r in whole]):.1f} s", "label": f"{down}, per rep"})
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


def rep_table(report: FormReport, movement: Movement, ranked: RankedReps) -> dict:
    """Header and rows of the per-rep table."""
    names = dict.fromkeys(name for rep in report.reps for name in rep.metrics)
    columns = [
        name
        for name in names
        if name not in ("concentric_s", "eccentric_s")
        and any(math.isfinite(rep.metrics.get(name, float("nan"))) for rep in report.reps)
    ]
    columns = columns[:REP_METRIC_COLUMNS]
    up, _, down = phase_words(movement)
    header = ["rep", "start", up, down] + [metric_text(c, 0.0)["label"] for c in columns] + ["faults"]
    rows = []
    for rep in report.reps:
        severities = {f.code: f.severity for f in report.faults if f.rep == rep.index}
        faults = sorted(
            ((c, severities.get(c) or fault_severity(movement, c)) for c in rep_fault_codes(report, rep)),
            key=lambda cs: SEVERITY_RANK.get(cs[1], 9),
        )
        rows.append(
            {
                "number": rep.index + 1,
                "cells": [f"{rep.start_s:.1f} s"]
                + (["–", "–"] if is_partial(rep) else [f"{rep.concentric_s:.1f} s", f"{rep.eccentric_s:.1f} s"])
                + [metric_text(c, rep.metrics.get(c, float("nan")))["value"] for c in columns],
                "faults": [{"title": fault_title(movement, code), "severity": severity} for code, severity in faults],
                "tag": _rep_tag(rep, ranked, len(report.reps)),
                "partial": is_partial(rep),
            }
        )
    return {"header": header, "rows": rows}


def _rep_tag(rep: Rep, ranked: RankedReps, count: int) -> str:
    if count < 2:
        return ""
    if rep.index == ranked.best:
        return "best"
    if rep.index == ranked.worst:
        return "smallest" if ranked.clean else "worst"
    return ""


# --------------------------------------------------------------------------- filming


def filming_advice(report: FormReport, movement: Movement) -> dict | None:
    """The library's camera advice and what the analysis could not judge, when the view kept
    checks from running or the analysis left notes; None when filming was fine. Checks the
    view ruled out are named once, by title; other skipped checks keep the analysis's reason."""
    skipped_codes = {note.split(":", 1)[0] for note in report.quality.skipped_checks}
    # the set's view rules a check out only where no rep was judged in a view that shows it (a
    # video cut from a side shot to a front one judges the torso on the side shot's reps)
    blocked = {
        f.code: f.title
        for f in movement.faults
        if report.view not in {v.value for v in f.views} and f.code in skipped_codes
    }
    view_ok = report.view in {movement.camera.preferred_view.value} | {
        v.value for v in movement.camera.acceptable_views
    }
    other_skips = [note for note in report.quality.skipped_checks if note.split(":", 1)[0] not in blocked]
    if view_ok and not blocked and not report.quality.warnings and not other_skips:
        return None
    return {
        "show_advice": bool(blocked) or not view_ok,
        "advice": movement.camera.advice,
        "preferred": movement.camera.preferred_view.value,
        "view_ok": view_ok,
        "blocked": list(blocked.values()),
        "warnings": report.quality.warnings,
        "skipped": [skipped_check_text(movement, note) for note in other_skips],
    }
