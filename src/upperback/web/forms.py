"""Reading what was typed into forms, and errors that name the field they belong to.

Every number typed into any form (log, today, profile) is read here, by :func:`number`: phones
send commas as decimal marks (``12,5`` is 12.5 in every field) and blanks mean "not given". A
field holding a list (:func:`numbers`) separates its items with a semicolon, a space, or a comma
followed by a space, so ``12,5`` there is 12.5 as well. Every number is checked against its
field's range in :mod:`upperback.limits`; units and set types are read into their enums
(:func:`choice`). A value that cannot be used raises :class:`FieldError`, which names the form
field, so the page can come back with what was typed kept and the message beside that field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from upperback.errors import UpperbackError
from upperback.limits import LOAD_KG, Limit, OutOfRange, check_load
from upperback.logbook.values import ValueProblem
from upperback.logbook.values import number as read_number
from upperback.logged_set import SetType
from upperback.units import WeightUnit

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)
SET_TYPE_NAMES = {
    SetType.NORMAL: "Working set",
    SetType.WARMUP: "Warm-up",
    SetType.DROP: "Drop set",
    SetType.FAILURE: "To failure",
}
"""How the forms name each kind of set."""
LIST_SEPARATOR = re.compile(r";|\s,|,\s|\s")
"""Between the items of a list field: a semicolon, a space, or a comma beside a space (``4, 6, 8``)."""


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
        problems[field] = "; ".join(exc.errors.values())
        return shown


def _read(text: str, label: str, field: str) -> float | None:
    try:
        return read_number(text, label)
    except ValueProblem:
        raise FieldError.of(
            field, f"'{text.strip()}' is not a number ({label}); type it in digits, like 8 or 12.5."
        ) from None


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
        raise FieldError.of(
            field or limit.label, f"{limit.label.capitalize()} must be a whole number (got {text.strip()})."
        )
    return None if value is None else int(value)


def weight(text: str, unit: WeightUnit = WeightUnit.KG, field: str = "load") -> float | None:
    """A weight in ``unit`` (kg or lb), within the plausible range of :data:`~upperback.limits.LOAD_KG`."""
    try:
        return check_load(_read(text, LOAD_KG.label, field), unit)
    except OutOfRange as exc:
        raise FieldError.of(field, exc.message) from None


def numbers(text: str, limit: Limit, field: str) -> list[float]:
    """``"4, 6, 8"`` -> [4.0, 6.0, 8.0], each item read by :func:`number`; ``"12,5; 15"`` -> [12.5, 15.0]."""
    values = []
    for item in filter(None, LIST_SEPARATOR.split(text)):
        if item.count(",") > 1:
            raise FieldError.of(
                field,
                f"'{item}' is not one number ({limit.label}): put a space after each comma "
                "between items (4, 6, 8); a comma between digits is a decimal mark "
                "(12,5 is 12.5).",
            )
        value = number(item, limit, field)
        if value is not None:
            values.append(value)
    return values


def choice(text: str, options: type[E], field: str, message: str) -> E:
    """One of ``options`` (an enum) as the form sent it; anything else raises ``message`` for ``field``."""
    try:
        return options(text.strip())
    except ValueError:
        raise FieldError.of(field, message) from None


def weight_unit(text: str, field: str = "load") -> WeightUnit:
    return choice(text, WeightUnit, field, "Choose kg or lb for the weight.")


def kind_of_set(text: str, field: str = "set_type") -> SetType:
    *names, last = (name.lower() for name in SET_TYPE_NAMES.values())
    return choice(text, SetType, field, f"Choose the kind of set: {', '.join(names)} or {last}.")
