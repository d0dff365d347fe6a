"""A Rich summary of a ``FormReport`` for the terminal."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from upperback.form.report import FormReport
from upperback.library import get_library
from upperback.library.models import View
from upperback.report.fault_kinds import fault_kinds, headline, is_partial, reach, rep_fault_codes, rep_list
from upperback.report.timeline import fault_title, skipped_check_text

SEVERITY_STYLE = {"info": "blue", "warning": "yellow", "error": "bold red"}


def report_summary(report: FormReport) -> RenderableType:
    """Reps and timing, then each kind of fault with its cue, then quality notes."""
    movement = get_library().movement(report.exercise)
    counted = (
        f"{report.metrics['steps']:.0f} steps"
        if "steps" in report.metrics and not report.reps
        else f"{report.rep_count} reps"
    )
    parts: list[RenderableType] = [
        Text.assemble(
            (f"{movement.name_for(report.variant)}: {counted}", "bold"),
            f"  (filmed from {View(report.view).words}, {report.source.duration_s:.1f} s, person found in "
            f"{report.quality.pose_detected_fraction:.0%} of frames)",
        )
    ]
    if report.metrics:
        parts.append(Text("Measured: " + ", ".join(_metric_text(k, v) for k, v in report.metrics.items())))
    if report.reps:
        table = Table(title="Reps", title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("start s", justify="right")
        table.add_column("up s", justify="right")
        table.add_column("down s", justify="right")
        table.add_column("faults")
        for rep in report.reps:
            number = f"{rep.index + 1}" + (" (partial)" if is_partial(rep) else "")
            titles = [fault_title(movement, code) for code in rep_fault_codes(report, rep)]
            up, down = ("-", "-") if is_partial(rep) else (f"{rep.concentric_s:.1f}", f"{rep.eccentric_s:.1f}")
            table.add_row(number, f"{rep.start_s:.1f}", up, down, ", ".join(titles) or "-")
        parts.append(table)
    kinds = fault_kinds(report, movement)
    if kinds:
        lines = [Text(headline(kinds, report.rep_count), style="bold underline")]
        for kind in kinds:
            try:
                fault = movement.fault(kind.code)
            except KeyError:
                continue
            first = next((e for e in report.faults if e.code == kind.code), None)
            where = reach(len(kind.reps), report.rep_count, kind.times)
            if kind.reps and len(kind.reps) < report.rep_count:
                where += f": {rep_list(kind.reps)}"
            elif first is not None and not kind.reps:
                where += f", from {first.start_s:.1f} s"
            lines.append(
                Text.assemble(
                    (f"• {kind.label}", SEVERITY_STYLE.get(kind.severity, "")),
                    f" ({where}): ",
                    f"{fault.explanation} ",
                    ("Fix: ", "bold"),
                    fault.cue,
                )
            )
        parts.append(Group(*lines))
    elif report.reps:
        parts.append(Text("No form faults found. Well done.", style="green"))
    if report.quality.low_confidence_spans:
        stretches = ", ".join(f"{a:.1f}–{b:.1f} s" for a, b in report.quality.low_confidence_spans)
        parts.append(Text(f"Not judged (body not clearly visible): {stretches}", style="yellow"))
    for note in report.quality.warnings:
        parts.append(Text(f"Note: {note}", style="yellow"))
    for skipped in report.quality.skipped_checks:
        parts.append(Text(f"Not checked: {skipped_check_text(movement, skipped)}", style="dim"))
    return Group(*parts)


UNITS = {"_deg": "°", "_s": " s", "_ratio": "", "_per_min": "/min"}


def _metric_text(name: str, value: float) -> str:
    """'mean_eccentric_s', 1.234 → 'mean eccentric 1.2 s'."""
    unit = next((u for suffix, u in UNITS.items() if name.endswith(suffix)), "")
    label = name
    for suffix in UNITS:
        label = label.removesuffix(suffix)
    number = f"{value:.0f}" if abs(value) >= 10 or float(value).is_integer() else f"{value:.1f}"
    return f"{label.replace('_', ' ')} {number}{unit}"
