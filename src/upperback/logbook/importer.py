"""Import a file into the training log: read it, map its exercise names, write it in one transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path

from upperback.errors import UnknownNameError, UpperbackError
from upperback.library import Library, get_library
from upperback.logbook import json_io
from upperback.logbook.csv_reader import decode, file_sha256, parse_csv
from upperback.logbook.exercise_names import Candidate, Match, NameMatcher
from upperback.logbook.parsed import ParsedSet, ReadOptions
from upperback.logbook.units_read import UnitsRead, units_read
from upperback.store import ImportBundle, ImportOutcome, LoggedSet, SessionRecord, Store, normalise_name
from upperback.units import WeightUnit

FORMATS = ("auto", "strong", "hevy", "fitnotes", "json")


@dataclass(frozen=True)
class UnmappedName:
    """An exercise name no library movement was found for; its sets are kept with no movement id."""

    name: str
    sets: int
    candidates: list[Candidate]


@dataclass
class ImportReport:
    path: Path
    format: str
    rows_read: int
    rows_skipped: int
    sets_read: int
    outcome: ImportOutcome | None
    """None for a dry run."""
    matches: dict[str, Match] = field(default_factory=dict)
    match_sets: dict[str, int] = field(default_factory=dict)
    """How many sets each matched name has."""
    unmapped: list[UnmappedName] = field(default_factory=list)
    units: UnitsRead | None = None
    """How the weights were read (None for a JSON export, whose sets name their units)."""


def parse_mappings(entries: list[str], library: Library | None = None) -> dict[str, tuple[str, str | None]]:
    """``["Name=movement-or-variant-id", ...]`` -> {name: (movement id, variant id)}; unknown ids raise."""
    library = library or get_library()
    mappings: dict[str, tuple[str, str | None]] = {}
    for entry in entries:
        name, sep, target = entry.rpartition("=")
        if not sep or not name.strip() or not target.strip():
            raise UpperbackError(
                f"--map '{entry}' should look like \"Name in the file=movement-id\", "
                'e.g. --map "Seal Row (Barbell)=bent-over-row".'
            )
        mappings[name.strip()] = resolve_target(target.strip(), library)
    return mappings


def resolve_target(target: str, library: Library) -> tuple[str, str | None]:
    """A movement id, or a variant id (which names its movement too)."""
    try:
        return library.movement(target).id, None
    except UnknownNameError as movement_error:
        try:
            movement, variant = library.variant(target)
        except UnknownNameError:
            raise movement_error from None
        return movement.id, variant.id


def import_file(
    store: Store,
    path: Path,
    fmt: str = "auto",
    *,
    zone: tzinfo,
    weight_unit: WeightUnit = WeightUnit.KG,
    mappings: dict[str, tuple[str, str | None]] | None = None,
    dry_run: bool = False,
    library: Library | None = None,
) -> ImportReport:
    """Import a Strong, Hevy or FitNotes CSV, or an upperback JSON export, into ``store``.

    Rows that cannot be read stop the import before anything is written. Names that map to no
    movement are imported with ``exercise_id=None`` and listed in the report with candidates.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UpperbackError(f"Cannot read {path}: {exc.strerror}.") from None
    return import_data(
        store, data, path, fmt, zone=zone, weight_unit=weight_unit, mappings=mappings, dry_run=dry_run, library=library
    )


def import_data(
    store: Store,
    data: bytes,
    path: Path,
    fmt: str = "auto",
    *,
    zone: tzinfo,
    weight_unit: WeightUnit = WeightUnit.KG,
    mappings: dict[str, tuple[str, str | None]] | None = None,
    dry_run: bool = False,
    library: Library | None = None,
) -> ImportReport:
    """:func:`import_file` for a file already read; ``path`` names it in messages and in the log."""
    if fmt not in FORMATS:
        raise UpperbackError(f"Unknown import format '{fmt}'; use one of {', '.join(FORMATS)}.")
    if weight_unit not in tuple(WeightUnit):
        raise UpperbackError(f"Unknown weight unit '{weight_unit}'; use {' or '.join(WeightUnit)}.")
    weight_unit = WeightUnit(weight_unit)
    digest = file_sha256(data)
    text = decode(data, path)
    mappings = mappings or {}
    if fmt == "json" or (fmt == "auto" and text.lstrip().startswith("{")):
        bundle = json_io.read_bundle(text, path, digest)
        bundle.aliases.update(mappings)
        report = ImportReport(
            path=path,
            format="json",
            rows_read=bundle.rows_read,
            rows_skipped=0,
            sets_read=bundle.set_count,
            outcome=None,
        )
    else:
        parsed = parse_csv(text, path, fmt, ReadOptions(zone=zone, weight_unit=weight_unit))
        matcher = NameMatcher(library or get_library(), {**store.aliases(), **mappings})
        matches, unmapped = _match_names(parsed.sets, matcher)
        bundle = _bundle(parsed.format, path, digest, parsed.rows_read, parsed.sets, matches)
        bundle.aliases.update(mappings)
        units = units_read(parsed, weight_unit)
        report = ImportReport(
            path=path,
            format=parsed.format,
            rows_read=parsed.rows_read,
            rows_skipped=parsed.rows_skipped,
            sets_read=len(parsed.sets),
            outcome=None,
            matches=matches,
            unmapped=unmapped,
            match_sets={
                name: n for name, n in Counter(s.set.exercise_name for s in parsed.sets).items() if name in matches
            },
            units=units,
        )
        bundle.summary = {"units": units.sentence, "unit_warning": units.warning}
    if not dry_run:
        report.outcome = store.add_import(bundle)
    return report


def _match_names(sets: list[ParsedSet], matcher: NameMatcher) -> tuple[dict[str, Match], list[UnmappedName]]:
    counts = Counter(s.set.exercise_name for s in sets)
    matches: dict[str, Match] = {}
    unmapped: list[UnmappedName] = []
    for name, count in counts.items():
        found = matcher.match(name)
        if found is None:
            unmapped.append(UnmappedName(name=name, sets=count, candidates=matcher.candidates(name)))
        else:
            matches[name] = found
    unmapped.sort(key=lambda u: (-u.sets, u.name))
    return matches, unmapped


def _bundle(
    fmt: str, path: Path, digest: str, rows_read: int, sets: list[ParsedSet], matches: dict[str, Match]
) -> ImportBundle:
    """Group parsed sets into workouts; number each exercise's sets within its workout from 1."""
    source = f"import:{fmt}"
    workouts: dict[tuple, tuple[SessionRecord, list[LoggedSet]]] = {}
    positions: Counter[tuple] = Counter()
    for s in sets:
        if s.workout_key not in workouts:
            workouts[s.workout_key] = (
                SessionRecord(
                    name=s.workout_name,
                    started_at=s.started_at,
                    ended_at=s.ended_at,
                    source=source,
                    notes=s.workout_notes,
                ),
                [],
            )
        # numbered by start time and name as the natural key sees them, so that no two sets of a
        # file share a key (two workouts begun the same minute, "Pushups" and "pushups")
        position = (s.started_at, normalise_name(s.set.exercise_name))
        positions[position] += 1
        match = matches.get(s.set.exercise_name)
        workouts[s.workout_key][1].append(
            replace(
                s.set,
                exercise_id=match.exercise_id if match else None,
                variant_id=match.variant_id if match else None,
                set_index=positions[position],
                source=source,
            )
        )
    return ImportBundle(
        format=fmt, file_name=str(path), file_sha256=digest, rows_read=rows_read, workouts=list(workouts.values())
    )
