"""The library commands: ``exercises``, ``exercise``, ``muscles`` and ``faq`` (no heavy imports)."""

from __future__ import annotations

from typing import Annotated

import typer

from upperback.errors import UnknownNameError
from upperback.library import Equipment, get_library
from upperback.terminal import console


def register(app: typer.Typer) -> None:
    """Add the library commands to the ``upperback`` app."""
    app.command()(exercises)
    app.command()(exercise)
    app.command()(muscles)
    app.command()(faq)


def exercises(
    equipment: Annotated[
        list[Equipment] | None,
        typer.Option(
            "--equipment", "-e", help="Show the variants you can do with this equipment (repeat for several items)."
        ),
    ] = None,
    muscle: Annotated[str | None, typer.Option(help="Only movements that train this muscle.")] = None,
    action: Annotated[
        str | None, typer.Option(help="Only movements with this joint action, e.g. scapular-retraction.")
    ] = None,
) -> None:
    """List the movements, or the variants that fit your equipment."""
    from upperback.library import cards

    library = get_library()
    if equipment:
        rows = library.variants_for_equipment(equipment)
        if muscle or action:
            keep = _filtered_ids(muscle, action)
            rows = [(m, v) for m, v in rows if m.id in keep]
        names = ", ".join(e.value for e in equipment)
        console.print(cards.variants_table(library, rows, f"What you can do with: {names}"))
        return
    movements = list(library.movements)
    if muscle or action:
        keep = _filtered_ids(muscle, action)
        movements = [m for m in movements if m.id in keep]
    console.print(cards.movements_table(library, movements))
    console.print("Run [bold]upperback exercise ID[/bold] for the full card.")


def _filtered_ids(muscle: str | None, action: str | None) -> set[str]:
    library = get_library()
    ids = {m.id for m in library.movements}
    if muscle:
        ids &= {m.id for m, _ in library.movements_for_muscle(muscle)}
    if action:
        ids &= {m.id for m in library.movements_for_action(action)}
    return ids


def exercise(movement_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. bent-over-row")]) -> None:
    """Show the full card of one movement: purpose, muscles, steps, cues, variants, faults."""
    from upperback.library import cards

    library = get_library()
    try:
        movement = library.movement(movement_id)
    except UnknownNameError:
        named = library.resolve_exercise_name(movement_id)
        if named is None:
            raise
        movement = named
    console.print(cards.movement_card(library, movement))


def muscles(
    name: Annotated[str | None, typer.Argument(help="A muscle id or name, or a joint action id.")] = None,
) -> None:
    """List the muscles, or explain one muscle (or action) and what trains it."""
    from upperback.library import cards

    library = get_library()
    if name is None:
        console.print(cards.muscles_table(library))
        return
    try:
        console.print(cards.muscle_card(library, library.muscle(name)))
    except UnknownNameError as muscle_error:
        try:
            action = library.action(name)
        except UnknownNameError:
            raise muscle_error from None
        movements = library.movements_for_action(action.id)
        console.print(f"[bold]{action.name}[/bold] ({action.kind.value}): {action.description}")
        console.print("Movements: " + (", ".join(m.id for m in movements) or "none"))


def faq(
    entry: Annotated[str | None, typer.Argument(help="One answer by id, e.g. supplements.")] = None,
) -> None:
    """Answers to common questions (supplements, training frequency, pain, filming, ...)."""
    from upperback.library import cards

    console.print(cards.faq_view(get_library(), entry))
