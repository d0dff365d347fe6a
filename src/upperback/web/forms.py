"""Reading numbers typed into forms (phones send commas as decimal marks, blanks mean "not given").

Every number is checked against its field's range in :mod:`upperback.limits`; the error names
the field and the range (an :class:`~upperback.limits.OutOfRange` says which field it was).
"""

from __future__ import annotations

from upperback.errors import UpperbackError
from upperback.limits import LOAD_KG, Limit, check_load
from upperback.logbook.values import ValueProblem
from upperback.logbook.values import number as read_number


def _read(text: str, label: str) -> float | None:
    try:
        return read_number(text, label)
    except ValueProblem:
        raise UpperbackError(f"'{text.strip().replace(',', '.')}' is not a number ({label}).") from None


def number(text: str, limit: Limit) -> float | None:
    """``"12,5"`` -> 12.5; blank -> None; not a number or out of ``limit``'s range raises."""
    return limit.check(_read(text, limit.label))


def whole(text: str, limit: Limit) -> int | None:
    value = number(text, limit)
    if value is not None and value != int(value):
        raise UpperbackError(f"{limit.label.capitalize()} must be a whole number (got {text.strip()}).")
    return None if value is None else int(value)


def weight(text: str, unit: str = "kg") -> float | None:
    """A weight in ``unit`` (kg or lb), within the plausible range of :data:`~upperback.limits.LOAD_KG`."""
    return check_load(_read(text, LOAD_KG.label), unit)
