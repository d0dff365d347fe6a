"""Reading numbers typed into forms (phones send commas as decimal marks, blanks mean "not given")."""

from __future__ import annotations

from upperback.errors import UpperbackError


def number(text: str, what: str) -> float | None:
    """``"12,5"`` -> 12.5; blank -> None; anything else raises with what the field is."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise UpperbackError(f"'{text}' is not a number ({what}).") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise UpperbackError(f"'{text}' is not a number ({what}).")
    return value


def whole(text: str, what: str) -> int | None:
    value = number(text, what)
    if value is not None and value != int(value):
        raise UpperbackError(f"{what.capitalize()} must be a whole number (got {text.strip()}).")
    return None if value is None else int(value)
