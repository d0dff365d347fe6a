"""Reading what was typed into forms, and errors that name the field they belong to.

Phones send commas as decimal marks and blanks mean "not given". Every number is checked against
its field's range in :mod:`upperback.limits`. A value that cannot be used raises
:class:`FieldError`, which names the form field, so the page can come back with what was typed
kept and the message beside that field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from upperback.errors import UpperbackError
from upperback.limits import LOAD_KG, Limit, OutOfRange, check_load
from upperback.logbook.values import ValueProblem
from upperback.logbook.values import number as read_number

T = TypeVar("T")


class FieldError(UpperbackError):
    """Values typed into a form that cannot be used: ``errors`` maps each field's name to a
    plain-words message ('' for a problem with the form as a whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors

    @classmethod
    def of(cls, field: str, message: str) -> FieldError:
        return cls({field: message})


def collect(problems: dict[str, str], field: str, reader: Callable[[], T], shown: T | None = None) -> T | None:
    """``reader()``; when it raises a :class:`FieldError`, its message is noted under ``field`` in
    ``problems`` and ``shown`` (what to show in the field again) comes back instead, so a form
    can report every field's problem at once."""
    try:
        return reader()
    except FieldError as exc:
        problems.update({field: message for message in exc.errors.values()})
        return shown


def _read(text: str, label: str, field: str) -> float | None:
    try:
        return read_number(text, label)
    except ValueProblem:
        shown = text.strip().replace(",", ".")
        raise FieldError.of(field, f"'{shown}' is not a number ({label}); type it in digits, "
                                   "like 8 or 12.5.") from None


def number(text: str, limit: Limit, field: str | None = None) -> float | None:
    """``"12,5"`` -> 12.5; blank -> None; not a number or out of ``limit``'s range raises a
    :class:`FieldError` for ``field`` (by default the limit's label)."""
    field = field or limit.label
    try:
        return limit.check(_read(text, limit.label, field))
    except OutOfRange as exc:
        raise FieldError.of(field, exc.message) from None


def whole(text: str, limit: Limit, field: str | None = None) -> int | None:
    """Like :func:`number`, for counts such as reps."""
    value = number(text, limit, field)
    if value is not None and value != int(value):
        raise FieldError.of(field or limit.label,
                            f"{limit.label.capitalize()} must be a whole number (got {text.strip()}).")
    return None if value is None else int(value)


def weight(text: str, unit: str = "kg", field: str = "load") -> float | None:
    """A weight in ``unit`` (kg or lb), within the plausible range of :data:`~upperback.limits.LOAD_KG`."""
    try:
        return check_load(_read(text, LOAD_KG.label, field), unit)
    except OutOfRange as exc:
        raise FieldError.of(field, exc.message) from None
