"""How fast the training log imports, summarises and exports a year of Strong history.

Generates the seeded year of bench/make_strong_year.py (or reads --csv), imports it into a fresh
SQLite file (or --database URL, which must point at an empty database), then times progress
(the numbers, the PNG, the HTML), the JSON and CSV exports, a re-import of the same file (which
must add nothing) and a JSON round trip into a second fresh database (which must give identical
sets). Each step runs --repeat times on fresh databases; the median is reported.

Usage: python bench/log_speed.py [--csv FILE] [--repeat 3] [--database URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

from make_strong_year import generate

from upperback.library import get_library
from upperback.logbook.importer import import_file
from upperback.logbook.json_io import write_json
from upperback.logbook.progress import compute_progress
from upperback.logbook.progress_plots import write_html, write_png
from upperback.logbook.strong_export import write_strong_csv
from upperback.store import open_store

ZONE = ZoneInfo("Europe/Berlin")


def timed(step: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def one_run(csv_path: Path, work: Path, database: str | None) -> dict[str, float]:
    library = get_library()
    times: dict[str, float] = {}
    url = database or f"sqlite:///{work / 'log.sqlite3'}"
    times["open + migrate (new database)"], store = timed(lambda: open_store(url))
    with store:
        times["import year (Strong CSV)"], report = timed(
            lambda: import_file(store, csv_path, zone=ZONE, library=library)
        )
        assert report.outcome.sets_added == report.sets_read, report.outcome
        times["re-import same file (no-op)"], again = timed(lambda: import_file(store, csv_path, zone=ZONE))
        assert again.outcome.already_imported and again.outcome.sets_added == 0
        times["read all sets"], sets = timed(store.sets)
        analyses = store.form_analyses()
        times["progress numbers"], progress = timed(lambda: compute_progress(sets, analyses, library, ZONE))
        times["progress PNG"], _ = timed(lambda: write_png(progress, work / "progress.png"))
        times["progress HTML"], _ = timed(lambda: write_html(progress, work / "progress.html"))
        times["export JSON"], _ = timed(lambda: write_json(store, work / "log.json"))
        times["export Strong CSV"], _ = timed(lambda: write_strong_csv(store, work / "log.csv", ZONE))
        if database is not None:
            store.delete_all()
    with open_store(f"sqlite:///{work / 'copy.sqlite3'}") as copy:
        times["import JSON (fresh database)"], _ = timed(lambda: import_file(copy, work / "log.json", zone=ZONE))
        restored = copy.sets()
    strip = [replace(s, id=None, session_id=None) for s in sets]
    assert [replace(s, id=None, session_id=None) for s in restored] == strip, "JSON round trip changed sets"
    times["sets"] = len(sets)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, help="A Strong export to use instead of the generated year.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", help="SQLAlchemy URL of an empty database (default: a temporary SQLite file).")
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = args.csv or Path(tmp) / "strong_year.csv"
        if args.csv is None:
            csv_path.write_text(generate(), encoding="utf-8")
        for run in range(args.repeat):
            work = Path(tmp) / f"run{run}"
            work.mkdir()
            runs.append(one_run(csv_path, work, args.database))
    sets = int(runs[0].pop("sets"))
    for r in runs[1:]:
        r.pop("sets")
    print(f"{sets} sets, {args.repeat} runs, median seconds ({args.database or 'SQLite file'}):")
    for step in runs[0]:
        print(f"  {step:32} {statistics.median(r[step] for r in runs):7.3f}")


if __name__ == "__main__":
    main()
