"""Counting across a hard cut in a real video file, end to end, as a user runs it.

Each counted clip of ``clips/`` and ``clips-wild/`` is joined by FFmpeg, with a hard cut, to the
next counted clip of the same movement in manifest order (the last to the first): the second is
scaled into the first's picture (letterboxed), both at the higher of their frame rates, the way
an edit of two sets looks. ``upperback analyze --json`` (the console script, in a subprocess, BlazePose
included) counts the edit, and the count must lie inside the two manifest ranges summed.

Usage::

    python bench/video_edits.py [DATA_DIR] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from video_variants import count, counted_rows  # this folder's scripts, run as bench/video_edits.py


def picture(path: Path) -> tuple[int, int, Fraction]:
    """Width, height and frame rate of a video's stream."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height,r_frame_rate"]
        + ["-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split(",")
    return int(out[0]), int(out[1]), Fraction(out[2].strip())


def join(first: Path, second: Path, target: Path) -> None:
    """``first``, then a hard cut to ``second`` scaled into its picture."""
    width, height, fps = picture(first)
    fps = max(fps, picture(second)[2])
    width, height = width // 2 * 2, height // 2 * 2
    fit = f"scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
    fit += f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps},format=yuv420p"
    graph = f"[0:v]{fit}[a];[1:v]{fit}[b];[a][b]concat=n=2:v=1[v]"
    command = ["ffmpeg", "-loglevel", "error", "-y", "-i", str(first), "-i", str(second)]
    command += ["-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20"]
    subprocess.run([*command, "-an", str(target)], check=True)


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
                join(args.data / first["folder"] / first["file"], args.data / second["folder"] / second["file"], video)
                reps, error = count(video, exercise, Path(tmp) / "report.json")
                low = int(first["reps_min"]) + int(second["reps_min"])
                high = int(first["reps_max"]) + int(second["reps_max"])
                held, total = held + (reps is not None and low <= reps <= high), total + 1
                counted = str(reps) if reps is not None else f"error: {error}"
                print(f"| {first['file']} | {second['file']} | {low}–{high} | {counted} |", flush=True)
    print(f"\nInside the summed range: {held} of {total} edits.")


if __name__ == "__main__":
    main()
