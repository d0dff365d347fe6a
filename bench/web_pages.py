"""How fast the web app's pages load with a real training history, over HTTP as a browser gets them.

Starts ``upperback serve`` (the console script) on loopback with a fresh data folder, imports
large real exports with ``upperback import`` (default: a big Hevy history plus a FitNotes one,
about 13,000 sets together), makes a profile and a plan, then loads Home, Today, Log, Learn and
Progress ``--repeat`` times each and reports the median, next to the goals of issue 15. Each
page is loaded once first, unmeasured, so the figures are of a server that is up and running.

Usage::

    python bench/web_pages.py [--repeat 5] [LOG.csv ...]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

LOGS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "logs-wild"
DEFAULT_LOGS = [LOGS / "hevy_kg_large.csv", LOGS / "fitnotes_lbs_with_cardio.csv"]
TOP_UP = [
    "strong_lbs.csv",
    "hevy_us_12h_dates.csv",
    "strong_set_types_wfd.csv",
    "hevy_kg_german_text.csv",
    "strong_semicolon_mixed_units.csv",
]
"""Further exports imported, in this order, while the log holds fewer than ``--sets`` sets."""
PAGES = [
    ("Home", "/", 0.3),
    ("Today", "/today", 0.3),
    ("Log", "/log", 0.3),
    ("Learn", "/library", 0.3),
    ("Progress", "/progress", 1.0),
]
"""(name, path, goal in seconds)."""


def upperback_command() -> str:
    script = Path(sys.executable).with_name("upperback")
    found = str(script) if script.exists() else shutil.which("upperback")
    if found is None:
        sys.exit("The upperback console script is not installed here (pip install -e .).")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([upperback_command(), *args], env=env, capture_output=True, text=True)


def load(url: str) -> tuple[float, int]:
    """(seconds, bytes) to fetch ``url`` completely."""
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
    return time.perf_counter() - start, len(body)


def wait_until_up(url: str, server: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"upperback serve stopped (exit code {server.returncode}).")
        try:
            load(url)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("upperback serve did not answer within a minute.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("logs", nargs="*", type=Path, default=DEFAULT_LOGS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="copy the data folder here (for profiling)")
    parser.add_argument(
        "--sets",
        type=int,
        default=13_000,
        help="top the log up to at least this many sets from further exports in logs-wild (0: only the files given)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "UPPERBACK_DATA_DIR": tmp, "COLUMNS": "200"}
        env.pop("UPPERBACK_DATABASE_URL", None)
        imported: list[str] = []
        for log in args.logs:
            _import(log, env, imported)
        for name in TOP_UP:
            if not args.sets or _set_count(Path(tmp)) >= args.sets:
                break
            _import(LOGS / name, env, imported)
        profile = cli(
            [
                "profile",
                "-e",
                "dumbbells",
                "-e",
                "resistance-band",
                "--dumbbell-kg",
                "10",
                "--dumbbell-kg",
                "15",
                "--level",
                "intermediate",
                "--goal",
                "strength",
            ],
            env,
        )
        plan = cli(["plan", "--weeks", "4"], env)
        for step in (profile, plan):
            if step.returncode != 0:
                sys.exit(f"Could not set up the profile and plan:\n{step.stderr}")
        sets = _set_count(Path(tmp))
        if args.keep:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True)

        port = free_port()
        server = subprocess.Popen(
            [upperback_command(), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + "/library", server)
            rows = []
            for name, path, goal in PAGES:
                load(base + path)  # warm: templates compiled, caches filled
                runs = [load(base + path) for _ in range(args.repeat)]
                rows.append((name, path, statistics.median(s for s, _ in runs), runs[0][1], goal))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; load average "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(f"log: {sets} sets from {', '.join(imported) or 'nothing'}; a profile and a 4-week plan\n")
    print(f"| page | path | median of {args.repeat} (ms) | size (kB) | goal |")
    print("|---|---|---:|---:|---|")
    for name, path, seconds, size, goal in rows:
        verdict = "met" if seconds < goal else "NOT met"
        print(
            f"| {name} | `{path}` | {seconds * 1000:.0f} | {size / 1024:.0f} | under {goal * 1000:.0f} ms ({verdict}) |"
        )


def _import(log: Path, env: dict[str, str], imported: list[str]) -> None:
    done = cli(["import", str(log)], env)
    if done.returncode == 0:
        imported.append(log.name)
    else:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        print(f"note: {log.name} did not import ({last}); measuring without it")


def _set_count(data_dir: Path) -> int:
    import sqlite3

    path = data_dir / "upperback.sqlite3"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM sets").fetchone()[0]


if __name__ == "__main__":
    main()
