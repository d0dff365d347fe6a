"""Read a Strong, Hevy or FitNotes CSV export into parsed sets, or say exactly what is wrong.

Every row is checked before anything is returned: a file with bad rows is refused as a whole,
with the line number of each problem, so an import never stores half a file.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from upperback.errors import UpperbackError
from upperback.logbook import fitnotes_csv, hevy_csv, strong_csv
from upperback.logbook.parsed import ParsedSet, ReadOptions
from upperback.logbook.values import ValueProblem

READERS: dict[str, ModuleType] = {m.FORMAT: m for m in (strong_csv, hevy_csv, fitnotes_csv)}
MAX_REPORTED_PROBLEMS = 20


@dataclass(frozen=True)
class ParsedExport:
    format: str
    sets: list[ParsedSet]
    rows_read: int
    rows_skipped: int
    """Rows that hold no set (Strong's rest timers and notes, empty rows)."""


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class NotAnExportError(UpperbackError):
    """A file that is not an export of the app asked for (or of any app, with ``auto``);
    ``detected`` names the app whose export it does look like, if any."""

    def __init__(self, message: str, detected: str | None = None) -> None:
        super().__init__(message)
        self.detected = detected


def decode(data: bytes, path: Path) -> str:
    """Text of an export: UTF-8 (with or without BOM), else Windows-1252 as spreadsheets save it."""
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
    delimiter = max(",;\t", key=lambda d: len(next(csv.reader([first_line], delimiter=d))))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = [" ".join(h.replace("\ufeff", "").strip().lower().split()) for h in next(reader)]
    module = _reader_for(fmt, set(headers), path)
    sets: list[ParsedSet] = []
    problems: list[str] = []
    rows_read = skipped = 0
    line = reader.line_num + 1
    for fields in reader:
        start_line, line = line, reader.line_num + 1
        if not any(f.strip() for f in fields):
            continue
        rows_read += 1
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
            "Fix them (or export again) and import the file again:\n  " + "\n  ".join(shown) + more)
    return ParsedExport(format=module.FORMAT, sets=sets, rows_read=rows_read, rows_skipped=skipped)


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
                f"{', '.join(sorted(headers))}). Pass --format if it is one of them.")
        return READERS[detected]
    if fmt not in READERS:
        raise UpperbackError(f"Unknown import format '{fmt}'; use auto, strong, hevy, fitnotes or json.")
    if not READERS[fmt].matches(headers):
        raise NotAnExportError(
            f"{path} does not have the columns of a {fmt} export"
            + (f"; it looks like a {detected} export (try --format {detected})." if detected else "."), detected)
    return READERS[fmt]
