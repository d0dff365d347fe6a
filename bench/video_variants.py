"""Counting on re-filmed versions of the shared clips, end to end, as a user runs it.

Each counted clip of ``clips/`` and ``clips-wild/`` with a rep range is re-encoded with FFmpeg
the way other people's videos differ from it, and ``upperback analyze --json`` (the console
script, in a subprocess, BlazePose included) counts it:

- ``mirrored``: flipped left to right (a phone's front camera, the other side of the gym);
- ``portrait 60 fps``: letterboxed into an upright 1080x1920 picture at 60 frames a second;
- ``small 15 fps``: 480 pixels wide at 15 frames a second (an old phone, a messaging app);
- ``sped up 1.5x``: the same frames played 1.5 times faster (a sped-up upload);
- ``title and outro``: 2 s of a plain card before the set and 1.5 s after it, nobody in the
  picture (an edited upload);
- ``on its side``: the picture turned a quarter turn clockwise with no rotation metadata (a
  portrait video whose file lost the flag that says which way up it was filmed);
- ``upside down``: turned half a turn, no metadata.

The reps are the same reps, so every count must stay inside the manifest's range, and the
faults are the same faults: each cell names the fault kinds a version gained (+) or lost (-)
against the clip as filmed, and ", turned" where the analysis turned the picture upright.

Usage::

    python bench/video_variants.py [DATA_DIR] [--only NAME ...] [--versions VERSION ...]
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
    "on its side": ["-vf", "transpose=clock", "-metadata:s:v:0", "rotate=0"],
    "upside down": ["-vf", "hflip,vflip", "-metadata:s:v:0", "rotate=0"],
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


def analysed(video: Path, exercise: str, out: Path) -> dict | str:
    """The report ``upperback analyze --json`` writes, or the error it printed."""
    upperback = shutil.which("upperback") or str(Path(sys.executable).with_name("upperback"))
    result = subprocess.run(
        [upperback, "analyze", str(video), "-x", exercise, "--json", str(out)], capture_output=True, text=True
    )
    if result.returncode != 0:
        return "error: " + (result.stderr or result.stdout).strip().splitlines()[-1]
    return json.loads(out.read_text())


def fault_kinds(report: dict) -> set[str]:
    return {fault["code"] for fault in report["faults"]}


def described(report: dict) -> str:
    """The count and fault kinds of the clip as filmed: "6: partial_range"."""
    return f"{report['rep_count']}: " + (", ".join(sorted(fault_kinds(report))) or "no faults")


def cell(report: dict | str, as_filmed: dict | str) -> str:
    """A version's count; ", turned" when the picture was turned upright; the fault kinds it
    gained (+) or lost (-) against the clip as filmed."""
    if isinstance(report, str):
        return report
    text = str(report["rep_count"])
    from upperback.analysis import TURNED_UPRIGHT

    if any(TURNED_UPRIGHT in note for note in report["quality"]["warnings"]):
        text += ", turned"
    if not isinstance(as_filmed, str):
        gained, lost = fault_kinds(report) - fault_kinds(as_filmed), fault_kinds(as_filmed) - fault_kinds(report)
        text += "".join(f", +{code}" for code in sorted(gained)) + "".join(f", -{code}" for code in sorted(lost))
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, nargs="?", default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--only", nargs="*", help="Clip file names to run (default: all).")
    parser.add_argument("--versions", nargs="*", choices=list(VARIANTS), help="Versions to make (default: all).")
    args = parser.parse_args()
    variants = {name: VARIANTS[name] for name in args.versions or VARIANTS}
    rows = [r for r in counted_rows(args.data) if not args.only or r["file"] in args.only]
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; `upperback analyze --json` on each version\n")
    print("| clip | manifest | as filmed: reps, faults | " + " | ".join(variants) + " |")
    print("|---|---|---|" + "---:|" * len(variants))
    held = same_faults = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows:
            source = args.data / row["folder"] / row["file"]
            as_filmed = analysed(source, row["exercise"], Path(tmp) / "report.json")
            filmed = as_filmed if isinstance(as_filmed, str) else described(as_filmed)
            cells = []
            for name, filters in variants.items():
                video = Path(tmp) / f"{source.stem}-{name.replace(' ', '_')}.mp4"
                encode(source, video, filters)
                report = analysed(video, row["exercise"], Path(tmp) / "report.json")
                if not isinstance(report, str):
                    held += int(row["reps_min"]) <= report["rep_count"] <= int(row["reps_max"])
                    same_faults += not isinstance(as_filmed, str) and fault_kinds(report) == fault_kinds(as_filmed)
                total += 1
                cells.append(cell(report, as_filmed))
                video.unlink()
            manifest = f"{row['reps_min']}–{row['reps_max']}"
            print(f"| {row['file']} | {manifest} | {filmed} | " + " | ".join(cells) + " |", flush=True)
    print(f"\nInside the manifest's range: {held} of {total} versions; the same fault kinds as filmed: {same_faults}.")


if __name__ == "__main__":
    main()
