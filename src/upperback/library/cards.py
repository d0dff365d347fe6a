"""Rich renderables for the library: the terminal face of the movement cards.

Rich's Markdown (and markdown-it behind it, a few hundredths of a second) is imported by the
two views that render Markdown, so ``upperback exercises`` and ``upperback exercise ID`` do
without it.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from upperback.library.catalog import Library
from upperback.library.models import ActionUse, Movement, Muscle, Role, Variant

ROLE_STYLE = {Role.TARGET: "bold green", Role.SYNERGIST: "cyan", Role.STABILISER: "dim"}
SEVERITY_STYLE = {"info": "blue", "warning": "yellow", "error": "bold red"}


def equipment_text(variant: Variant) -> str:
    """'dumbbells or kettlebell + chair or bench', or 'none'."""
    if not variant.needs:
        return "none"
    return " + ".join(" or ".join(item.value for item in need.any_of) for need in variant.needs)


def movements_table(library: Library, movements: list[Movement] | None = None) -> Table:
    table = Table(title="upperback movements", title_justify="left", expand=True)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("movement", ratio=3)
    table.add_column("mainly trains", ratio=3)
    table.add_column("film from", no_wrap=True)
    for m in library.movements if movements is None else movements:
        groups = dict.fromkeys(library.muscle(use.muscle).group for use in m.muscles if use.role is Role.TARGET)
        table.add_row(
            m.id,
            Text.assemble(m.name, (f"\n{m.category.value}, {len(m.variants)} variants", "dim")),
            ", ".join(groups),
            m.camera.preferred_view.value,
        )
    return table


def variants_table(library: Library, rows: list[tuple[Movement, Variant]], title: str) -> Table:
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column("exercise", no_wrap=True)
    table.add_column("variant id", style="bold", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("needs")
    for movement, variant in rows:
        table.add_row(movement.id, variant.id, variant.kind.value, variant.level.value, equipment_text(variant))
    return table


def movement_card(library: Library, m: Movement) -> RenderableType:
    """Everything a user needs to learn one movement."""
    parts: list[RenderableType] = [Text(m.summary, style="italic")]
    parts.append(_section("Why do it", _bullets(m.purpose)))
    parts.append(_section("Muscles", _muscle_table(library, m)))
    parts.append(_section("Movement", _actions_table(library, m)))
    parts.append(_section("How to do it", _steps(m)))
    parts.append(_section("Stay safe", _safety(m)))
    parts.append(_section("Variants and home options", _variants(m)))
    parts.append(
        _section(
            "Filming for a form check",
            Text(
                f"Best view: {m.camera.preferred_view.value}"
                + (
                    f" (also fine: {', '.join(v.value for v in m.camera.acceptable_views)})"
                    if m.camera.acceptable_views
                    else ""
                )
                + f". {m.camera.advice}"
            ),
        )
    )
    parts.append(_section("What the video check looks for", _faults(m)))
    if m.loaded:
        parts.append(
            _section("Before you lift", _bullets([f"{g.title}: {g.text}" for g in library.guidance.before_lifting]))
        )
    return Panel(Group(*parts), title=f"[bold]{m.name}[/bold]  ({m.id}, {m.category.value})", title_align="left")


def muscle_card(library: Library, muscle: Muscle) -> RenderableType:
    from rich.markdown import Markdown

    actions = ", ".join(library.action(a).name.lower() for a in muscle.actions)
    lines = [
        f"**Where:** {muscle.location}",
        f"**What it does:** {actions}.",
        f"**Why it matters:** {muscle.why_it_matters}",
    ]
    if muscle.desk_note:
        lines.append(f"**At the desk:** {muscle.desk_note}")
    trained = library.movements_for_muscle(muscle.id)
    if trained:
        lines.append("**Trained by:** " + ", ".join(f"{m.name} ({role.value})" for m, role in trained))
    return Panel(Markdown("\n\n".join(lines)), title=f"[bold]{muscle.name}[/bold] ({muscle.group})", title_align="left")


def muscles_table(library: Library) -> Table:
    table = Table(title="Muscles", title_justify="left", expand=True)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("name")
    table.add_column("actions")
    table.add_column("trained by")
    for muscle in library.muscles:
        trained = library.movements_for_muscle(muscle.id)
        table.add_row(
            muscle.id,
            muscle.name,
            ", ".join(library.action(a).name.lower() for a in muscle.actions),
            ", ".join(f"{m.id} ({role.value[0]})" for m, role in trained) or "-",
        )
    table.caption = "roles: (t)arget, (s)ynergist, (s)tabiliser"
    return table


def faq_view(library: Library, entry_id: str | None = None) -> RenderableType:
    from rich.markdown import Markdown

    entries = library.faq.entries if entry_id is None else [library.faq_entry(entry_id)]
    panels = [
        Panel(
            Markdown("\n\n".join(e.answer)),
            title=f"[bold]{e.question}[/bold]",
            subtitle=e.id,
            title_align="left",
            subtitle_align="right",
        )
        for e in entries
    ]
    return Group(*panels)


# ---------------------------------------------------------------------- helpers


def _section(title: str, body: RenderableType) -> RenderableType:
    return Group(Text(""), Text(title, style="bold underline"), body)


def _bullets(items: list[str]) -> RenderableType:
    return Group(*(Text("• " + item) for item in items))


def _muscle_table(library: Library, m: Movement) -> Table:
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column("muscle")
    table.add_column("role")
    table.add_column("note", style="dim")
    for use in m.muscles:
        table.add_row(library.muscle(use.muscle).name, Text(use.role.value, style=ROLE_STYLE[use.role]), use.note or "")
    return table


def _actions_table(library: Library, m: Movement) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column("kind", style="bold")
    table.add_column("actions")
    groups: list[tuple[str, list[ActionUse]]] = [
        ("shoulder blades", m.scapular_actions),
        ("spine", m.spinal_actions),
        ("other joints", m.other_actions),
    ]
    for label, uses in groups:
        if uses:
            table.add_row(
                label, "; ".join(library.action(u.action).name + (f" ({u.note})" if u.note else "") for u in uses)
            )
    return table


def _steps(m: Movement) -> RenderableType:
    return Group(
        *(Text.assemble((f"{i}. ", "bold"), (f"[{s.phase}] ", "dim"), s.text) for i, s in enumerate(m.steps, start=1))
    )


def _safety(m: Movement) -> RenderableType:
    checked = {f.enforces for f in m.faults}
    lines = []
    for cue in m.safety:
        tag = ("checked on video", "green") if cue.id in checked else ("coaching cue", "dim")
        lines.append(Text.assemble("• ", cue.text, "  ", (f"[{tag[0]}]", tag[1])))
    return Group(*lines)


def _variants(m: Movement) -> RenderableType:
    blocks: list[RenderableType] = []
    for v in m.variants:
        blocks.append(
            Text.assemble(
                ("▸ " + v.name, "bold"),
                (f"  {v.id}", "dim"),
                f"  ({v.kind.value}, {v.level.value}; needs: {equipment_text(v)})",
            )
        )
        blocks.append(Text(f"  {v.summary} {v.why}"))
        blocks.extend(Text(f"    - {line}") for line in v.how)
    return Group(*blocks)


def _faults(m: Movement) -> Table:
    table = Table(box=None, pad_edge=False)
    table.add_column("code", style="bold")
    table.add_column("what it means")
    table.add_column("the fix")
    table.add_column("severity")
    for f in m.faults:
        table.add_row(f.code, f.explanation, f.cue, Text(f.severity.value, style=SEVERITY_STYLE[f.severity.value]))
    return table
