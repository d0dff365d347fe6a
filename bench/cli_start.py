"""How long the everyday commands take, as a user runs them: the ``upperback`` console script.

Each command runs as its own process (start-up included) with a fresh data folder; the quick
ones are repeated and their median reported. Wall seconds and CPU seconds (of the command and
its child processes) are shown, so a run on a busy machine can still be read: CPU seconds do
not grow with other people's load the way wall seconds do. Goals from issue 15 are printed
beside the figures.

Usage::

    python bench/cli_start.py [--repeat 5] [--clip ../shared/data/clips/row_dumbbell_gym_side.mp4]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_CLIP = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "clips" / "row_dumbbell_gym_side.mp4"


def upperback_command() -> str:
    script = Path(sys.executable).with_name("upperback")
    found = str(script) if script.exists() else shutil.which("upperback")
    if found is None:
        sys.exit("The upperback console script is not installed here (pip install -e .).")
    return found


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall s, CPU s of the process and its children) of one run of ``upperback ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [upperback_command(), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"upperback {' '.join(args)} failed (exit code {done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each quick command (median shown)")
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP, help="video for analyze")
    parser.add_argument("--exercise", default="bent-over-row")
    parser.add_argument("--skip-analyze", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "UPPERBACK_DATA_DIR": str(folder / "data"), "COLUMNS": "100"}
        run_once(["profile", "-e", "dumbbells", "--dumbbell-kg", "10", "--level", "beginner", "--goal", "posture"], env)
        commands: list[tuple[list[str], int, str]] = [
            (["--help"], args.repeat, "under 0.5 s"),
            (["exercises"], args.repeat, "under 0.5 s"),
            (["exercise", "bent-over-row"], args.repeat, "under 0.5 s"),
            (["plan", "--weeks", "4"], args.repeat, ""),
        ]
        if not args.skip_analyze:
            clip = args.clip.resolve()
            duration = _duration_s(clip)
            commands.append(
                (
                    [
                        "analyze",
                        str(clip),
                        "-x",
                        args.exercise,
                        "--html",
                        str(folder / "report.html"),
                        "--video-out",
                        str(folder / "annotated.mp4"),
                        "--json",
                        str(folder / "report.json"),
                    ],
                    1,
                    f"within the video's {duration:.0f} s",
                )
            )
        rows = []
        for command, repeat, goal in commands:
            runs = [run_once(command, env) for _ in range(repeat)]
            rows.append(
                (command, statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs), repeat, goal)
            )

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; load average "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
    )
    print("| command | runs | wall s (median) | CPU s | goal |")
    print("|---|---:|---:|---:|---|")
    for command, wall, cpu, repeat, goal in rows:
        shown = " ".join(Path(a).name if os.sep in a else a for a in command)
        print(f"| `upperback {shown}` | {repeat} | {wall:.2f} | {cpu:.2f} | {goal} |")


def _duration_s(clip: Path) -> float:
    import av

    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        return float(stream.duration * stream.time_base)


if __name__ == "__main__":
    main()
