"""Reading what was typed into forms, and errors that name the field they belong to.

Phones send commas as decimal marks and blanks mean "not given". A value that cannot be used
raises :class:`FieldError`, which names the form field, so the page can come back with what was
typed kept and the message beside that field.
"""

from __future__ import annotations

from upperback.errors import UpperbackError
from upperback.logbook.values import ValueProblem
from upperback.logbook.values import number as read_number

LIMITS: dict[str, tuple[float, float]] = {
    "reps": (0, 1000),
    "load": (0, 1000),
    "seconds": (0, 6 * 3600),
    "rpe": (1, 10),
}
"""What a real set can hold, by field name: reps, weight (kg or lb), seconds, RPE (1-10 scale)."""


class FieldError(UpperbackError):
    """Values typed into a form that cannot be used: ``errors`` maps each field's name to a
    plain-words message ('' for a problem with the form as a whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors

    @classmethod
    def of(cls, field: str, message: str) -> FieldError:
        return cls({field: message})


def number(text: str, what: str, field: str | None = None,
           limits: tuple[float, float] | None = None) -> float | None:
    """``"12,5"`` -> 12.5; blank -> None; anything else raises for ``field`` (named ``what``).

    A value outside ``limits`` (by default the field's :data:`LIMITS`, if any) raises too.
    """
    try:
        value = read_number(text, what)
    except ValueProblem:
        message = f"'{text.strip()}' is not a number; type the {what} in digits, like 8 or 12.5."
        raise FieldError.of(field or what, message) from None
    low_high = limits or LIMITS.get(field or "")
    if value is not None and low_high is not None and not low_high[0] <= value <= low_high[1]:
        low, high = low_high
        raise FieldError.of(field or what, f"The {what} must be between {low:g} and {high:g} "
                                           f"(you typed {text.strip()}).")
    return value


def whole(text: str, what: str, field: str | None = None,
          limits: tuple[float, float] | None = None) -> int | None:
    """Like :func:`number`, for counts such as reps."""
    value = number(text, what, field, limits)
    if value is not None and value != int(value):
        raise FieldError.of(field or what, f"The {what} must be a whole number (you typed {text.strip()}).")
    return None if value is None else int(value)
