"""Read a Strong, Hevy or FitNotes CSV export into parsed sets, or say exactly what is wrong.

Every row is checked before anything is returned: a file with bad rows is refused as a whole,
with the line number of each problem, so an import never stores half a file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

from upperback.errors import UpperbackError
from upperback.logbook import fitnotes_csv, hevy_csv, strong_csv
from upperback.logbook.parsed import ParsedSet, ReadOptions, WeightSource
from upperback.logbook.values import ValueProblem, day_first

READERS: dict[str, ModuleType] = {m.FORMAT: m for m in (strong_csv, hevy_csv, fitnotes_csv)}
MAX_REPORTED_PROBLEMS = 20


@dataclass(frozen=True)
class ParsedExport:
    format: str
    sets: list[ParsedSet]
    rows_read: int
    rows_skipped: int
    """Rows that hold no set (Strong's rest timers and notes, empty rows)."""
    weight_source: WeightSource | None
    """Where the file names its weight unit; None where it names none (``ReadOptions.weight_unit`` was used)."""


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class NotAnExportError(UpperbackError):
    """A file that is not an export of the app asked for (or of any app, with ``auto``);
    ``detected`` names the app whose export it does look like, if any."""

    def __init__(self, message: str, detected: str | None = None) -> None:
        super().__init__(message)
        self.detected = detected


def decode(data: bytes, path: Path) -> str:
    """Text of an export: UTF-8 (with or without BOM), UTF-16 with its BOM (a spreadsheet's "Unicode
    text"), else Windows-1252 as spreadsheets save it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:  # no text file holds NUL bytes: a picture, a zip, a database...
        raise NotAnExportError(f"{path} is not a text file; export the CSV from the app again.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotAnExportError(f"{path} is not a text file; export the CSV from the app again.")


def parse_csv(text: str, path: Path, fmt: str, options: ReadOptions) -> ParsedExport:
    """Parse an export; ``fmt`` is strong, hevy, fitnotes or auto (recognised from the header)."""
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise NotAnExportError(f"{path} is empty or starts with a blank line; it is not an app export.")
    if "\x00" in text:
        raise NotAnExportError(f"{path} holds binary data (NUL bytes); it is not a CSV export. Export it again.")
    delimiter = max(",;\t", key=lambda d: len(next(csv.reader([first_line], delimiter=d))))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    written = [" ".join(h.replace("\ufeff", "").split()) for h in next(reader)]
    headers = [h.lower() for h in written]
    module = _reader_for(fmt, set(headers), path)
    records = list(_records(reader, path))
    if hasattr(module, "repair"):
        records = list(module.repair(headers, records))
    dates = [headers.index(c) for c in module.DATE_COLUMNS if c in headers]
    options = replace(options, day_first=day_first(f[i] for _, f in records for i in dates if i < len(f)))
    sets: list[ParsedSet] = []
    problems: list[str] = []
    rows_read = skipped = 0
    for start_line, fields in records:
        rows_read += 1
        fields = _fit(fields, headers, getattr(module, "FREE_TEXT_COLUMN", None))
        if len(fields) != len(headers):
            problems.append(f"line {start_line}: {len(fields)} fields where the header has {len(headers)}")
            continue
        try:
            parsed = module.read_row(dict(zip(headers, fields, strict=True)), start_line, options)
        except ValueProblem as exc:
            problems.append(f"line {start_line}: {exc}")
            continue
        if parsed is None:
            skipped += 1
        elif parsed.problem():
            problems.append(f"line {start_line}: {parsed.problem()}")
        else:
            sets.append(parsed)
    if problems:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        raise UpperbackError(
            f"{path} has {len(problems)} row(s) that cannot be read; nothing was imported. "
            "Fix them (or export again) and import the file again:\n  " + "\n  ".join(shown) + more
        )
    source = module.weight_column(set(headers))
    if source is not None:  # named as the file writes it ("Weight (lbs)")
        source = replace(source, column=written[headers.index(source.column)])
    return ParsedExport(
        format=module.FORMAT, sets=sets, rows_read=rows_read, rows_skipped=skipped, weight_source=source
    )


def _records(reader, path: Path) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) of each non-blank record; a record may span lines (quoted line breaks)."""
    line = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UpperbackError(
                f"{path} line {reader.line_num}: {exc}; nothing was imported. Export the file again or fix that line."
            ) from None
        start_line, line = line, reader.line_num + 1
        if any(f.strip() for f in fields):
            yield start_line, fields


def _fit(fields: list[str], headers: list[str], free_text: str | None) -> list[str]:
    """A row with surplus fields whose free-text column held unquoted commas, put back together.

    The columns right of ``free_text`` hold numbers and units, never commas, so counting from
    the right finds where the free text ends.
    """
    surplus = len(fields) - len(headers)
    if surplus <= 0 or free_text not in headers:
        return fields
    at = headers.index(free_text)
    return fields[:at] + [",".join(fields[at : at + surplus + 1])] + fields[at + surplus + 1 :]


def detect_format(headers: set[str]) -> str | None:
    """The app whose export has these (lower-case) column names, or None."""
    for name, module in READERS.items():
        if module.matches(headers):
            return name
    return None


def _reader_for(fmt: str, headers: set[str], path: Path) -> ModuleType:
    detected = detect_format(headers)
    if fmt == "auto":
        if detected is None:
            raise NotAnExportError(
                f"{path} does not look like a Strong, Hevy or FitNotes export (columns: "
                f"{', '.join(sorted(headers))}). Pass --format if it is one of them."
            )
        return READERS[detected]
    if fmt not in READERS:
        raise UpperbackError(f"Unknown import format '{fmt}'; use auto, strong, hevy, fitnotes or json.")
    if not READERS[fmt].matches(headers):
        raise NotAnExportError(
            f"{path} does not have the columns of a {fmt} export"
            + (f"; it looks like a {detected} export (try --format {detected})." if detected else "."),
            detected,
        )
    return READERS[fmt]
