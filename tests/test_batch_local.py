"""Batch runs on the local process pool: the shared clips plus a corrupt file, re-runs, crashes, Ctrl-C."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import CLIPS, clip_manifest, needs_media, run_cli
from upperback.analysis import AnalysisOptions, analyze
from upperback.batch import BatchOptions, LocalEngine, discover_inputs, run_batch
from upperback.batch.video_job import CRASHED, Job, JobOutcome
from upperback.batch.worker import run_job
from upperback.pose.decode import probe_video

pytestmark = needs_media


def corrupt_video(folder: Path) -> Path:
    """Bytes from the middle of a real clip: no container header, not decodable."""
    data = (CLIPS / "cat_cow_home_side.mp4").read_bytes()
    path = folder / "corrupt.mp4"
    path.write_bytes(data[len(data) // 3 : len(data) // 3 + 100_000])
    return path


def linked_clips(folder: Path, *names: str) -> Path:
    """A folder of symbolic links to shared clips (the media are never copied)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).symlink_to(CLIPS / name)
    return folder


SHORTEST_CLIPS = 3
"""Clips of the shared manifest the batch test runs: every clip's count is tested through
analyze() in test_form_clips.py, so the batch path needs only a few (the shortest, to keep the
suite inside its time)."""


def short_manifest(folder: Path) -> tuple[Path, list[dict[str, str]]]:
    """A manifest of the shortest shared clips, by absolute path, with the shared manifest's columns."""
    rows = sorted(clip_manifest(), key=lambda row: float(row["duration_s"]))[:SHORTEST_CLIPS]
    rows = [{**row, "file": str(CLIPS / row["file"])} for row in rows]
    path = folder / "manifest.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path, [{**row, "file": Path(row["file"]).name} for row in rows]


def test_shared_clips_and_a_corrupt_file_through_the_cli(tmp_path, capsys):
    bad = corrupt_video(tmp_path)
    out = tmp_path / "out"
    manifest_path, manifest = short_manifest(tmp_path)

    code, stdout, stderr = run_cli(
        capsys, "batch", str(manifest_path), str(bad), "-x", "auto", "-o", str(out), "--workers", "2"
    )

    assert code == 1, stderr  # one video failed
    assert f"Analysed {len(manifest)} videos" in stdout and "1 failed now" in stdout
    assert "corrupt.mp4: not a video file upperback can read" in stderr
    rows = pq.read_table(out / "summary.parquet").to_pylist()
    with (out / "summary.csv").open(newline="") as handle:
        csv_rows = list(csv.DictReader(handle))
    assert [row["file"] for row in rows] == [str(CLIPS / m["file"]) for m in manifest] + [str(bad)]
    assert [row["file"] for row in csv_rows] == [row["file"] for row in rows]
    for row, expected in zip(rows, manifest):
        report = json.loads((out / "results" / f"{row['key']}.json").read_text())
        assert row["status"] == "done" and row["error"] is None
        assert row["exercise"] == report["exercise"] == expected["exercise"]
        assert int(expected["reps_min"]) <= row["reps"] == report["rep_count"] <= int(expected["reps_max"])
        counts = Counter(fault["code"] for fault in report["faults"])
        assert row["faults"] == len(report["faults"])
        assert {code: row[f"fault_{code}"] for code in counts} == counts
        assert row["pose_detected_fraction"] == report["quality"]["pose_detected_fraction"] > 0.5
        assert row["variant"] is None  # analysed on the movements' own thresholds
        if "mean_concentric_s" in report["metrics"]:  # the report's mean tempo, partial reps left out
            assert row["mean_concentric_s"] == pytest.approx(report["metrics"]["mean_concentric_s"])
        assert row["view"] == report["view"]
    failed = rows[-1]
    assert failed["status"] == "failed" and failed["reps"] is None
    assert "not a video file" in failed["error"]
    record = json.loads((out / "errors" / f"{failed['key']}.json").read_text())
    assert record["video"] == str(bad) and record["kind"] == "failed"
    assert csv_rows[-1]["status"] == "failed" and csv_rows[-1]["reps"] == ""

    # Re-running does no work; failures are retried only when asked.
    inputs = discover_inputs([manifest_path, bad], "auto")
    again = run_batch(inputs, out, LocalEngine(workers=2))
    assert (again.analyzed, again.failed, again.skipped, again.failed_earlier) == (0, 0, len(manifest), 1)
    assert again.rows == rows
    retried = run_batch(inputs, out, LocalEngine(workers=2), BatchOptions(retry_failed=True))
    assert (retried.analyzed, retried.failed, retried.skipped, retried.failed_earlier) == (0, 1, len(manifest), 0)


def test_batch_reports_are_the_reports_analyze_gives_whatever_ran_before_in_the_worker(tmp_path):
    clips = [(CLIPS / "cat_cow_home_side.mp4", "cat-cow"), (CLIPS / "reverse_fly_chest_supported.mp4", "reverse-fly")]
    inputs = [item for clip, exercise in clips for item in discover_inputs([clip], exercise)]

    result = run_batch(inputs, tmp_path, LocalEngine(workers=1))  # one process, one video after the other

    for (clip, exercise), row in zip(clips, result.rows):
        direct = analyze(clip, exercise, AnalysisOptions(workers=1))
        stored = json.loads((tmp_path / "results" / f"{row['key']}.json").read_text())
        assert stored == json.loads(json.dumps(direct.to_dict()))


def crash_on_purpose(job: Job) -> JobOutcome:
    """Job function for the crash test: the worker dies on 'crash.mp4', as after a native crash."""
    if Path(job.video).name == "crash.mp4":
        os._exit(3)
    return run_job(job)


def test_a_crashing_video_is_recorded_and_the_others_still_run(tmp_path):
    folder = linked_clips(tmp_path / "in", "cat_cow_home_side.mp4")
    (folder / "crash.mp4").write_bytes(b"kills its worker")
    inputs = discover_inputs([folder], "auto")  # both start together: the crash breaks the pool

    result = run_batch(inputs, tmp_path / "out", LocalEngine(workers=2, job_function=crash_on_purpose))

    assert (result.analyzed, result.failed) == (1, 1)
    assert [row["status"] for row in result.rows] == ["done", "failed"]
    record = json.loads((tmp_path / "out" / "errors" / f"{result.rows[1]['key']}.json").read_text())
    assert record["kind"] == CRASHED and "stopped unexpectedly" in record["error"]
    assert multiprocessing.active_children() == []


def slow_on_purpose(job: Job) -> JobOutcome:
    """Job function for the Ctrl-C test: a video named 'slow_*' takes two extra minutes."""
    if Path(job.video).name.startswith("slow_"):
        time.sleep(SLOW_S)
    return run_job(job)


SLOW_S = 120.0


def test_ctrl_c_stops_the_pool_leaves_no_partial_files_and_a_rerun_continues(tmp_path):
    folder = linked_clips(tmp_path / "in", "cat_cow_home_side.mp4")
    (folder / "slow_reverse_fly.mp4").symlink_to(CLIPS / "reverse_fly_chest_supported.mp4")
    inputs = discover_inputs([folder], "auto")
    out = tmp_path / "out"

    def interrupt_after_first(done: int, total: int) -> None:
        if done == 1:
            raise KeyboardInterrupt

    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        run_batch(inputs, out, LocalEngine(workers=2, job_function=slow_on_purpose), progress=interrupt_after_first)

    assert time.perf_counter() - started < SLOW_S / 2  # the slow job was stopped, not waited for
    assert multiprocessing.active_children() == []
    results = sorted(p.name for p in (out / "results").iterdir())
    assert len(results) == 1 and results[0].endswith(".json")  # nothing half-written beside it
    assert not (out / "summary.csv").exists() and not (out / "summary.parquet").exists()

    resumed = run_batch(inputs, out, LocalEngine(workers=2))
    assert (resumed.analyzed, resumed.skipped, resumed.failed) == (1, 1, 0)
    assert [row["status"] for row in resumed.rows] == ["done"] * 2


def test_html_and_video_asked_for_later_are_made_then_skipped(tmp_path, capsys):
    clip = CLIPS / "cat_cow_home_side.mp4"
    out = tmp_path / "out"
    batch = ["batch", str(clip), "-x", "cat-cow", "-o", str(out), "--workers", "1"]

    code, stdout, _ = run_cli(capsys, *batch)
    assert code == 0 and "Analysed 1 video " in stdout
    key = pq.read_table(out / "summary.parquet").column("key")[0].as_py()
    assert not (out / "results" / f"{key}.html").exists()

    code, stdout, _ = run_cli(capsys, *batch, "--html", "--video-out")  # the report alone is not enough now
    assert code == 0 and "Analysed 1 video " in stdout
    assert "<html" in (out / "results" / f"{key}.html").read_text(encoding="utf-8")[:1000].lower()
    annotated = probe_video(out / "results" / f"{key}.mp4")
    assert annotated.duration_s == pytest.approx(probe_video(clip).duration_s, abs=0.1)

    code, stdout, _ = run_cli(capsys, *batch, "--html")
    assert code == 0 and "Analysed 0 videos; 1 already done" in stdout
    assert sorted(p.suffix for p in (out / "results").iterdir()) == [".html", ".json", ".mp4"]
