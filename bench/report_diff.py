"""Compare every shared clip's report between an earlier commit and the working tree.

A refactoring must not change what users read. This runs ``upperback analyze --json`` on each
clip of clips/ and clips-wild/ twice, once with the code of ``--base`` (checked out into a
temporary git worktree) and once with this checkout's code, each through its own console-script
entry point in a subprocess, and prints which reports differ and where.

    python bench/report_diff.py --base main~3 --tracks /tmp/tracks [DATA_DIR]

``--tracks DIR`` holds pose tracks saved earlier (``upperback pose CLIP -o DIR/NAME.npz``), so
both sides read the same landmarks and only the analysis is compared; without it each side runs
BlazePose on the videos (slower, and BlazePose's run-to-run noise then shows as differences).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("clips", "clips-wild")
FLOAT_TOLERANCE = 1e-6


def entry_point(checkout: Path) -> str:
    """The ``module:function`` of the checkout's ``upperback`` console script."""
    project = tomllib.loads((checkout / "pyproject.toml").read_text())
    return project["project"]["scripts"]["upperback"]


def run_analyze(checkout: Path, source: Path, exercise: str, out: Path) -> str:
    """Write one report with the checkout's code; return '' or the error it printed."""
    module, function = entry_point(checkout).split(":")
    code = f"import sys; from {module} import {function} as main; sys.exit(main())"
    env = {**os.environ, "PYTHONPATH": str(checkout / "src"), "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-c", code, "analyze", str(source), "-x", exercise, "--json", str(out)],
        env=env,
        capture_output=True,
        text=True,
        cwd=checkout,
    )
    return "" if done.returncode == 0 else (done.stderr or done.stdout).strip().splitlines()[-1]


def differences(before: object, after: object, path: str = "") -> list[str]:
    """Paths at which two decoded reports differ (floats compared to a tolerance)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = [f"{path}.{key}: only in one" for key in sorted(set(before) ^ set(after))]
        for key in sorted(set(before) & set(after)):
            found += differences(before[key], after[key], f"{path}.{key}")
        return found
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return [f"{path}: {len(before)} items → {len(after)}"]
        return [d for i, (b, a) in enumerate(zip(before, after)) for d in differences(b, a, f"{path}[{i}]")]
    if isinstance(before, float) and isinstance(after, (int, float)):
        return [] if math.isclose(before, after, abs_tol=FLOAT_TOLERANCE) else [f"{path}: {before} → {after}"]
    return [] if before == after else [f"{path}: {before!r} → {after!r}"]


def clips(data: Path) -> list[tuple[Path, str]]:
    """(video, movement id) of every manifest row."""
    rows = []
    for folder in FOLDERS:
        with (data / folder / "manifest.csv").open(newline="") as handle:
            rows += [(data / folder / row["file"], row["exercise"]) for row in csv.DictReader(handle)]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--base", required=True, help="commit whose reports are the reference")
    parser.add_argument("--tracks", type=Path, help="folder of saved pose tracks (NAME.npz)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="report-diff-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(base), args.base], check=True)
        try:
            changed = 0
            for video, exercise in clips(args.data):
                track = args.tracks / f"{video.stem}.npz" if args.tracks else None
                source = track if track and track.is_file() else video
                reports = []
                for side, checkout in (("base", base), ("now", REPO)):
                    out = Path(tmp) / f"{video.stem}.{side}.json"
                    error = run_analyze(checkout, source, exercise, out)
                    reports.append(json.loads(out.read_text()) if not error else {"error": error})
                found = differences(*reports)
                changed += bool(found)
                errors = " ".join(f"[{r['error']}]" for r in reports if "error" in r)
                print(f"{video.name:46s} {'same' if not found else f'{len(found)} differences'} {errors}")
                for line in found[:8]:
                    print(f"    {line}")
            print(f"\n{changed} of {len(clips(args.data))} reports differ from {args.base}.")
            return 1 if changed else 0
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=False)


if __name__ == "__main__":
    raise SystemExit(main())
