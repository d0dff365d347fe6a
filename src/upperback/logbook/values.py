"""Reading the values other apps write: numbers, dates, durations and units."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from datetime import datetime, tzinfo
from functools import lru_cache

from dateutil import parser as date_parser

from upperback.units import METRES_PER, WeightUnit

_UNIT_WORDS = {
    "kg": "kg",
    "kgs": "kg",
    "kilograms": "kg",
    "lb": "lb",
    "lbs": "lb",
    "pounds": "lb",
    "m": "m",
    "meters": "m",
    "metres": "m",
    "km": "km",
    "kilometers": "km",
    "kilometres": "km",
    "mi": "mi",
    "mile": "mi",
    "miles": "mi",
    "ft": "ft",
    "feet": "ft",
    "yd": "yd",
    "yards": "yd",
}
_DURATION_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*(h|m|s)\b")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:[.,]\d+)?)$")
_SPACES = re.compile(r"[\s\u202f\u00a0]+")


class _Months(date_parser.parserinfo):
    """dateutil's English names plus the month names apps write in other languages (German,
    French, Spanish, Italian, Portuguese, Dutch): ``11 Juni 2024``, ``5 févr. 2025``, ``3 dic 2023``."""

    # dateutil's stub allows 2 or 3 names a month; its parser reads any number.
    MONTHS: list[tuple[str, ...]] = [  # type: ignore[assignment]
        (
            "Jan",
            "January",
            "Januar",
            "Jänner",
            "janv",
            "janvier",
            "ene",
            "enero",
            "gen",
            "gennaio",
            "janeiro",
            "januari",
        ),
        (
            "Feb",
            "February",
            "Februar",
            "févr",
            "fevr",
            "février",
            "febrero",
            "febbraio",
            "fev",
            "fevereiro",
            "februari",
        ),
        ("Mar", "March", "Mär", "Mrz", "März", "mars", "marzo", "março", "mrt", "maart"),
        ("Apr", "April", "avr", "avril", "abr", "abril", "aprile"),
        ("May", "Mai", "mei", "mayo", "mag", "maggio", "maio"),
        ("Jun", "June", "Juni", "juin", "junio", "giu", "giugno", "junho"),
        ("Jul", "July", "Juli", "juil", "juillet", "julio", "lug", "luglio", "julho"),
        ("Aug", "August", "août", "aout", "ago", "agosto", "augustus"),
        ("Sep", "Sept", "September", "sept", "septembre", "septiembre", "set", "settembre", "setembro"),
        ("Oct", "October", "Okt", "Oktober", "octobre", "octubre", "ott", "ottobre", "out", "outubro", "okt"),
        ("Nov", "November", "novembre", "noviembre", "novembro"),
        (
            "Dec",
            "December",
            "Dez",
            "Dezember",
            "déc",
            "dec",
            "décembre",
            "dic",
            "diciembre",
            "dicembre",
            "dez",
            "dezembro",
        ),
    ]


_MONTH_NAMES = _Months()
_YEAR = re.compile(r"\b\d{4}\b")
_NUMERIC_DAY_MONTH = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.]\d{2,4}\b")
_ABBREVIATION_DOT = re.compile(r"(?<=[^\W\d_])\.|(?<=\d)\.(?=\s)")
"""The dot of ``févr.`` or of the day in ``11. März``, which dateutil does not expect."""
_MERIDIEM = re.compile(r"\b([ap])\.?\s?m\.?(?=\s|$)", re.IGNORECASE)


class ValueProblem(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def number(text: str | None, what: str) -> float | None:
    """A decimal number; ``12,5`` (decimal comma) reads as 12.5; an empty cell is None."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueProblem(f"{what} '{text}' is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueProblem(f"{what} '{text}' is not a number")
    return value


def whole_number(text: str | None, what: str) -> int | None:
    value = number(text, what)
    if value is None:
        return None
    if value != int(value):
        raise ValueProblem(f"{what} '{text}' is not a whole number")
    return int(value)


def unit(text: str, what: str) -> str:
    """A canonical unit (kg, lb, m, km, mi, ft, yd) from how apps spell it (``lbs``, ``mi.``, ``(kgs)``)."""
    key = text.strip().lower().strip("()").rstrip(".")
    if key not in _UNIT_WORDS:
        raise ValueProblem(f"{what} '{text}' is not a unit this importer knows (kg, lbs, m, km, mi)")
    return _UNIT_WORDS[key]


def weight_unit(text: str | None, what: str, default: WeightUnit) -> WeightUnit:
    """A weight unit (kg or lb); ``default`` where the cell is empty."""
    if not (text or "").strip():
        return default
    found = unit(text or "", what)
    if found not in tuple(WeightUnit):
        raise ValueProblem(f"{what} '{text}' is not a weight unit (kg or lbs)")
    return WeightUnit(found)


def distance_unit(text: str | None, what: str, default: str) -> str:
    """A distance unit (m, km, mi, ft, yd); ``default`` where the cell is empty."""
    if not (text or "").strip():
        return default
    found = unit(text or "", what)
    if found in tuple(WeightUnit):
        raise ValueProblem(f"{what} '{text}' is a weight unit, not a distance unit (m, km, mi)")
    return found


def metres(value: float | None, distance_unit: str) -> float | None:
    return None if value is None else value * METRES_PER[distance_unit]


def looks_like_date(text: str) -> bool:
    """Whether a cell could hold a date (it has a four-digit year)."""
    return bool(_YEAR.search(text))


def day_first(texts: Iterable[str]) -> bool | None:
    """Whether a file's numeric dates (``05/03/2024``) put the day first: True if one of them can
    only be day/month (``28/12/2023``), False if one can only be month/day; None if none tells."""
    for text in texts:
        numeric = _NUMERIC_DAY_MONTH.match(_SPACES.sub(" ", text.strip()))
        if numeric:
            first, second = map(int, numeric.groups())
            if first > 12 >= second:
                return True
            if second > 12 >= first:
                return False
    return None


def local_datetime(text: str, zone: tzinfo, what: str = "date", day_first: bool | None = None) -> datetime:
    """A wall-clock time from an export, placed in ``zone`` (the exports carry no offset).

    dateutil reads the layouts the apps write in any locale's order: ``2024-03-05 18:30:00``,
    ``2024-03-05 7:30:00\u202fPM``, ``5 Jan 2026, 17:00``, ``Jun 11, 2026, 1:01 PM``, ``2024-06-01``.
    A full year must be present, so a stray number is never taken for a date. ``day_first`` says
    how to read ``05/03/2024`` (see :func:`day_first`); when it is None such a date is refused.
    """
    cleaned = _MERIDIEM.sub(lambda m: f" {m.group(1).upper()}M", _SPACES.sub(" ", text.strip()))
    if not _YEAR.search(cleaned):
        raise ValueProblem(f"{what} '{text}' is not a date with a year (e.g. 2024-03-05 18:30:00)")
    numeric = _NUMERIC_DAY_MONTH.match(cleaned)
    if day_first is None and numeric and numeric.group(1) != numeric.group(2) and max(map(int, numeric.groups())) <= 12:
        raise ValueProblem(
            f"{what} '{text}' could be day/month or month/day and no date in the file tells "
            "which; export the file again from the app (it writes dates like 2024-03-05 or "
            "5 Mar 2024)"
        )
    try:
        parsed = _parsed_date(_ABBREVIATION_DOT.sub(" ", cleaned) if not numeric else cleaned, bool(day_first))
    except (ValueError, ArithmeticError, date_parser.UnknownTimezoneWarning):  # huge numbers break its Decimal maths
        raise ValueProblem(f"{what} '{text}' is not a date this importer can read (e.g. 2024-03-05 18:30:00)") from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(zone)
    return parsed.replace(tzinfo=zone)


@lru_cache(maxsize=4096)
def _parsed_date(text: str, day_first: bool) -> datetime:
    """dateutil's reading of a cleaned date; remembered, as an export repeats each session's date
    on every set (a datetime is immutable, so sharing it is safe). Failures are not remembered."""
    with warnings.catch_warnings():  # a word dateutil takes for an unknown time zone: damage
        warnings.simplefilter("error", date_parser.UnknownTimezoneWarning)
        return date_parser.parse(text, parserinfo=_MONTH_NAMES, dayfirst=day_first)


def duration_s(text: str | None, what: str = "duration") -> float | None:
    """Seconds from ``90``, ``1:30``, ``0:01:30``, ``45m``, ``1h 5m`` or ``1h 5m 20s``."""
    cleaned = (text or "").strip().lower()
    if not cleaned:
        return None
    clock = _CLOCK.match(cleaned)
    if clock:
        hours, minutes, seconds = clock.groups()
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds.replace(",", "."))
    parts = _DURATION_PART.findall(cleaned)
    if parts and _DURATION_PART.sub("", cleaned).strip() == "":
        scale = {"h": 3600, "m": 60, "s": 1}
        return sum(float(amount.replace(",", ".")) * scale[part] for amount, part in parts)
    return number(cleaned, what)
