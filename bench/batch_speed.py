"""Batch throughput: videos per minute and x real time, local pool vs Ray, 1 and 2 workers.

Every configuration analyses the same videos from scratch into a fresh output folder; the wall
time includes starting the engine (spawning the pool's processes and loading the pose model in
each, or starting a local Ray instance), because a user pays for it on every run. The Ray
overhead is reported both as the difference in wall time and as the bare cost of starting
and stopping a local Ray instance. A last run repeats the first configuration over its own
finished output, to time a re-run that has nothing to do.

Usage::

    python bench/batch_speed.py [INPUTS...] [--exercise auto] [--workers 1 2] [--engines local ray]
                                [--repeat N]

INPUTS default to the shared clips' manifest (each clip with its known movement). With
``--repeat``, each configuration runs N times and the fastest run is shown.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")

DEFAULT_INPUTS = [Path(__file__).resolve().parents[2] / "shared" / "data" / "clips" / "manifest.csv"]


def one_run(inputs, engine_name: str, workers: int, out_dir: Path):
    from upperback.batch import LocalEngine, RayEngine, run_batch

    engine = LocalEngine(workers=workers) if engine_name == "local" else RayEngine(workers=workers)
    started = time.perf_counter()
    result = run_batch(inputs, out_dir, engine)
    return result, time.perf_counter() - started


def ray_start_stop_s(workers: int) -> float:
    import ray

    started = time.perf_counter()
    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    ray.shutdown()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="*", type=Path, default=DEFAULT_INPUTS)
    parser.add_argument("--exercise", default="auto")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--engines", nargs="+", choices=["local", "ray"], default=["local", "ray"])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    from upperback.batch import discover_inputs

    inputs = discover_inputs(args.inputs, args.exercise)
    rows = []
    best: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in args.workers:
            for engine in args.engines:
                runs = []
                for attempt in range(args.repeat):
                    out_dir = Path(tmp) / f"{engine}-{workers}-{attempt}"
                    runs.append(one_run(inputs, engine, workers, out_dir))
                result, wall_s = min(runs, key=lambda run: run[1])
                if result.failed:
                    print(f"warning: {result.failed} videos failed with {engine}, {workers} workers")
                best[engine, workers] = wall_s
                rows.append((engine, workers, result, wall_s))
                print(
                    f"{engine:5} x{workers}: {result.analyzed} videos, {result.video_s:.1f} s of video "
                    f"in {wall_s:.1f} s",
                    flush=True,
                )
        first_engine, first_workers = args.engines[0], args.workers[0]
        rerun, rerun_s = one_run(inputs, first_engine, first_workers, Path(tmp) / f"{first_engine}-{first_workers}-0")
    load = os.getloadavg()

    print(
        f"\ninputs: {len(inputs)} videos; machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"load average after the runs {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min)\n"
    )
    print("| engine | workers | videos | video s | wall s | videos/min | x real time |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for engine, workers, result, wall_s in rows:
        print(
            f"| {engine} | {workers} | {result.analyzed} | {result.video_s:.1f} | {wall_s:.1f} | "
            f"{60 * result.analyzed / wall_s:.1f} | {result.video_s / wall_s:.2f} |"
        )
    if "ray" in args.engines and "local" in args.engines:
        print()
        for workers in args.workers:
            extra = best["ray", workers] - best["local", workers]
            print(
                f"Ray vs local pool, workers={workers}: {extra:+.1f} s "
                f"({100 * extra / best['local', workers]:+.0f} %), "
                f"{extra / max(1, rows[0][2].analyzed):+.2f} s per video"
            )
        print(f"Starting and stopping a local Ray instance alone: {ray_start_stop_s(args.workers[0]):.1f} s")
    print(
        f"Re-run with nothing to do ({first_engine}, workers={first_workers}): {rerun_s:.2f} s, "
        f"{rerun.skipped} skipped, {rerun.analyzed} analysed"
    )


if __name__ == "__main__":
    main()
