"""How much of a set each kind of fault touched: the one headline every report surface shows.

A set's faults are counted by *kind* (one per fault code), each with the reps it was seen in,
so "6 reps, 3 kinds of fault: Short range in all 6 reps, ..." reads the same on the report page,
the History list, the terminal and in the stored summary. Titles come from the library.
"""

from __future__ import annotations

from dataclasses import dataclass

from upperback.form.report import FormReport, Rep
from upperback.library.models import Movement
from upperback.report.timeline import SEVERITY_RANK, fault_severity, fault_title

BROKEN_SEVERITY = "error"
"""Only faults of this severity break a safety rule; milder ones are things to watch."""


@dataclass(frozen=True)
class FaultKind:
    """One kind of fault in a set: its library title and severity, and where it was seen."""

    code: str
    title: str
    severity: str
    reps: tuple[int, ...]
    """1-based numbers of the reps it was seen in (empty for faults outside reps)."""
    times: int
    """How many times it was seen (events, for faults not tied to a rep)."""
    possible: bool = False
    """Seen only with moderate confidence (every event :attr:`~upperback.form.report.FaultEvent.possible`)."""

    @property
    def broken(self) -> bool:
        return self.severity == BROKEN_SEVERITY

    @property
    def label(self) -> str:
        """The title, worded as possible when the evidence is only moderate: 'Possible shrugging'."""
        return f"Possible {self.title[:1].lower()}{self.title[1:]}" if self.possible else self.title


def rep_fault_codes(report: FormReport, rep: Rep) -> list[str]:
    """The codes seen in one rep: its fault events and the rep's own list, each once."""
    return list(dict.fromkeys([f.code for f in report.faults if f.rep == rep.index] + list(rep.faults)))


def fault_kinds(report: FormReport, movement: Movement) -> list[FaultKind]:
    """Every kind of fault in the report, most severe first, then the most reps touched."""
    reps: dict[str, set[int]] = {}
    times: dict[str, int] = {}
    severity: dict[str, str] = {}
    possible: dict[str, bool] = {}
    for event in report.faults:
        severity.setdefault(event.code, event.severity)
        possible[event.code] = possible.get(event.code, True) and event.possible
        times[event.code] = times.get(event.code, 0) + 1
        reps.setdefault(event.code, set())
        if event.rep is not None:
            reps[event.code].add(event.rep + 1)
    for rep in report.reps:
        for code in rep.faults:
            severity.setdefault(code, fault_severity(movement, code))
            times.setdefault(code, 1)
            reps.setdefault(code, set()).add(rep.index + 1)
    kinds = [
        FaultKind(
            code=code,
            title=fault_title(movement, code),
            severity=severity[code],
            reps=tuple(sorted(reps[code])),
            times=times[code],
            possible=possible.get(code, False),
        )
        for code in reps
    ]
    return sorted(kinds, key=lambda k: (SEVERITY_RANK.get(k.severity, 9), -len(k.reps), -k.times))


def reach(reps_touched: int, rep_count: int, times: int = 0) -> str:
    """'in all 6 reps', 'in both reps', 'in 1 of 6 reps', or '3 times' for faults not tied to reps."""
    if reps_touched == 0:
        return "once" if times <= 1 else f"{times} times"
    if reps_touched == rep_count == 2:
        return "in both reps"
    if reps_touched == rep_count and rep_count > 1:
        return f"in all {rep_count} reps"
    return f"in {reps_touched} of {rep_count} rep{'' if rep_count == 1 else 's'}"


def rep_list(numbers: tuple[int, ...] | list[int]) -> str:
    """(1, 2, 3, 5) → 'reps 1–3, 5'; (3,) → 'rep 3'."""
    numbers = sorted(numbers)
    runs = [[numbers[0], numbers[0]]]
    for number in numbers[1:]:
        if number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)
    return ("rep " if len(numbers) == 1 else "reps ") + text


def kinds_count_text(count: int) -> str:
    """'1 kind of fault', '3 kinds of fault'."""
    return f"{count} kind{'' if count == 1 else 's'} of fault"


def headline(kinds: list[FaultKind], rep_count: int) -> str:
    """'3 kinds of fault: Short range in all 6 reps; Shrugging in 1 of 6 reps; ...'."""
    if not kinds:
        return "No form faults found"
    parts = [f"{k.label} {reach(len(k.reps), rep_count, k.times)}" for k in kinds]
    return f"{kinds_count_text(len(kinds))}: " + "; ".join(parts)


def summary_kinds(summary: dict, movement: Movement | None) -> list[str]:
    """From a stored summary (``logbook.form_links.summarise_report``), each kind of fault with
    the reps it touched, most severe first: ['Short range in all 6 reps', ...]."""
    rep_count = int(summary.get("rep_count", 0))
    per_rep = summary.get("faulty_reps", {})
    events = summary.get("fault_events", {})

    def title(code: str) -> str:
        return fault_title(movement, code) if movement is not None else code.replace("_", " ").capitalize()

    def rank(code: str) -> tuple:
        severity = fault_severity(movement, code) if movement is not None else ""
        return SEVERITY_RANK.get(severity, 9), -per_rep.get(code, 0)

    codes = sorted(dict.fromkeys([*events, *per_rep]), key=rank)
    return [f"{title(c)} {reach(per_rep.get(c, 0), rep_count, events.get(c, 0))}" for c in codes]


def is_partial(rep: Rep) -> bool:
    """Whether the clip's start or end cut the rep short (such a rep is not judged for tempo)."""
    return rep.partial
