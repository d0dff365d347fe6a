"""Counting on re-filmed versions of the shared clips, end to end, as a user runs it.

Each counted clip of ``clips/`` and ``clips-wild/`` with a rep range is re-encoded with FFmpeg
the way other people's videos differ from it, and ``upperback analyze --json`` (the console
script, in a subprocess, BlazePose included) counts it:

- ``mirrored``: flipped left to right (a phone's front camera, the other side of the gym);
- ``portrait 60 fps``: letterboxed into an upright 1080x1920 picture at 60 frames a second;
- ``small 15 fps``: 480 pixels wide at 15 frames a second (an old phone, a messaging app);
- ``sped up 1.5x``: the same frames played 1.5 times faster (a sped-up upload);
- ``title and outro``: 2 s of a plain card before the set and 1.5 s after it, nobody in the
  picture (an edited upload).

The reps are the same reps, so every count must stay inside the manifest's range.

Usage::

    python bench/video_variants.py [DATA_DIR] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from form_accuracy import manifest_rows  # this folder's script, run as bench/video_variants.py

VARIANTS = {
    "mirrored": ["-vf", "hflip"],
    "portrait 60 fps": [
        "-vf",
        "scale=1080:1920:force_original_aspect_ratio=decrease:force_divisible_by=2,"
        "pad=1080:1920:(ow-iw)/2:(oh-ih)/2,fps=60",
    ],
    "small 15 fps": ["-vf", "scale=480:-2,fps=15"],
    "sped up 1.5x": ["-vf", "setpts=PTS/1.5"],
    "title and outro": [
        "-vf",
        "tpad=start_duration=2:stop_duration=1.5:start_mode=add:stop_mode=add:color=0x223355",
    ],
}
"""FFmpeg video filters of each version."""


def counted_rows(data: Path) -> list[dict[str, str]]:
    """Manifest rows (:func:`form_accuracy.manifest_rows`) with a rep range above 0 whose movement counts reps."""
    from upperback.library import get_library

    return [
        row
        for row in manifest_rows(data)
        if row["reps_min"] and int(row["reps_max"]) > 0 and get_library().movement(row["exercise"]).counting
    ]


def encode(source: Path, target: Path, filters: list[str]) -> None:
    command = ["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), *filters]
    command += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-an", str(target)]
    subprocess.run(command, check=True)


def count(video: Path, exercise: str, out: Path) -> tuple[int | None, str]:
    """The rep count ``upperback analyze`` gives, or None and the error it printed."""
    upperback = shutil.which("upperback") or str(Path(sys.executable).with_name("upperback"))
    result = subprocess.run(
        [upperback, "analyze", str(video), "-x", exercise, "--json", str(out)], capture_output=True, text=True
    )
    if result.returncode != 0:
        return None, (result.stderr or result.stdout).strip().splitlines()[-1]
    return int(json.loads(out.read_text())["rep_count"]), ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, nargs="?", default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--only", nargs="*", help="Clip file names to run (default: all).")
    args = parser.parse_args()
    rows = [r for r in counted_rows(args.data) if not args.only or r["file"] in args.only]
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; `upperback analyze --json` on each version\n")
    print("| clip | manifest | " + " | ".join(VARIANTS) + " |")
    print("|---|---|" + "---:|" * len(VARIANTS))
    held = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows:
            source = args.data / row["folder"] / row["file"]
            cells = []
            for name, filters in VARIANTS.items():
                video = Path(tmp) / f"{source.stem}-{name.replace(' ', '_')}.mp4"
                encode(source, video, filters)
                reps, error = count(video, row["exercise"], Path(tmp) / "report.json")
                inside = reps is not None and int(row["reps_min"]) <= reps <= int(row["reps_max"])
                held, total = held + inside, total + 1
                cells.append(str(reps) if reps is not None else f"error: {error}")
                video.unlink()
            print(f"| {row['file']} | {row['reps_min']}–{row['reps_max']} | " + " | ".join(cells) + " |", flush=True)
    print(f"\nInside the manifest's range: {held} of {total} versions.")


if __name__ == "__main__":
    main()
