"""Reading numbers typed into forms (phones send commas as decimal marks, blanks mean "not given")."""

from __future__ import annotations

from upperback.errors import UpperbackError
from upperback.logbook.values import ValueProblem
from upperback.logbook.values import number as read_number


def number(text: str, what: str) -> float | None:
    """``"12,5"`` -> 12.5; blank -> None; anything else raises with what the field is."""
    try:
        return read_number(text, what)
    except ValueProblem:
        raise UpperbackError(f"'{text.strip().replace(',', '.')}' is not a number ({what}).") from None


def whole(text: str, what: str) -> int | None:
    value = number(text, what)
    if value is not None and value != int(value):
        raise UpperbackError(f"{what.capitalize()} must be a whole number (got {text.strip()}).")
    return None if value is None else int(value)
