"""Counting across a hard cut in a real video file, end to end, as a user runs it.

Each counted clip of ``clips/`` and ``clips-wild/`` is joined by FFmpeg, with a hard cut, to the
next counted clip of the same movement in manifest order (the last to the first), the way an edit
of two sets looks (:func:`upperback.evaluation.edits.joined_by_a_cut`). ``upperback analyze
--json`` (the console script, in a subprocess, BlazePose included) counts the edit, and the count
must lie inside the two manifest ranges summed.

Usage::

    python bench/video_edits.py [DATA_DIR] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from video_variants import analysed, counted_rows  # this folder's scripts, run as bench/video_edits.py

from upperback.evaluation.edits import joined_by_a_cut


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, nargs="?", default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--only", nargs="*", help="First clips of the edits to run (default: all).")
    args = parser.parse_args()
    rows = counted_rows(args.data)
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; `upperback analyze --json` on each edit\n")
    print("| first clip | then, after a cut | manifest, summed | counted |")
    print("|---|---|---|---:|")
    held = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for exercise in dict.fromkeys(row["exercise"] for row in rows):
            sets = [row for row in rows if row["exercise"] == exercise]
            for first, second in zip(sets, sets[1:] + sets[:1]):
                if len(sets) < 2 or (args.only and first["file"] not in args.only):
                    continue
                video = Path(tmp) / "edit.mp4"
                joined_by_a_cut(
                    args.data / first["folder"] / first["file"], args.data / second["folder"] / second["file"], video
                )
                report = analysed(video, exercise, Path(tmp) / "report.json")
                reps = None if isinstance(report, str) else report["rep_count"]
                low = int(first["reps_min"]) + int(second["reps_min"])
                high = int(first["reps_max"]) + int(second["reps_max"])
                held, total = held + (reps is not None and low <= reps <= high), total + 1
                counted = str(reps) if reps is not None else str(report)
                print(f"| {first['file']} | {second['file']} | {low}–{high} | {counted} |", flush=True)
    print(f"\nInside the summed range: {held} of {total} edits.")


if __name__ == "__main__":
    main()
