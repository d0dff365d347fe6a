"""Batch runs on a local Ray instance: the same results as the local pool, failures, re-runs."""

from __future__ import annotations

import importlib.util
import json
import re
import sys

import pyarrow.parquet as pq
import pytest

from conftest import needs_media, run_cli
from test_batch_local import corrupt_video, linked_clips
from upperback.batch import LocalEngine, RayEngine, discover_inputs, run_batch
from upperback.errors import UpperbackError

SHORT_CLIPS = ("cat_cow_home_side.mp4", "reverse_fly_chest_supported.mp4")
"""The two shortest clips (6 s and 10 s): engine equality needs no more."""


@pytest.fixture(scope="module")
def local_ray():
    if importlib.util.find_spec("ray") is None:
        pytest.skip("Ray is not installed (pip install 'upperback[ray]')")
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@needs_media
def test_ray_and_the_local_pool_give_the_same_results(tmp_path, local_ray):
    folder = linked_clips(tmp_path / "in", *SHORT_CLIPS)
    corrupt_video(folder)
    inputs = discover_inputs([folder], "auto")

    by_pool = run_batch(inputs, tmp_path / "pool", LocalEngine(workers=2))
    by_ray = run_batch(inputs, tmp_path / "ray", RayEngine(workers=2))

    for result in (by_pool, by_ray):
        assert (result.analyzed, result.failed, result.skipped) == (2, 1, 0)
    assert by_ray.rows == by_pool.rows
    assert pq.read_table(tmp_path / "ray" / "summary.parquet").equals(
        pq.read_table(tmp_path / "pool" / "summary.parquet")
    )
    for row in by_pool.rows:
        name = f"{row['key']}.json"
        if row["status"] == "done":
            assert json.loads((tmp_path / "ray" / "results" / name).read_text()) == json.loads(
                (tmp_path / "pool" / "results" / name).read_text()
            )
        else:
            assert "corrupt.mp4: not a video file" in row["error"]
            record = json.loads((tmp_path / "ray" / "errors" / name).read_text())
            assert record["engine"] == "ray" and record["kind"] == "failed"

    again = run_batch(inputs, tmp_path / "ray", RayEngine(workers=2))
    assert (again.analyzed, again.failed, again.skipped, again.failed_earlier) == (0, 0, 2, 1)
    assert again.rows == by_ray.rows


@needs_media
def test_cli_batch_on_ray_reports_the_bad_file(tmp_path, capsys, local_ray):
    folder = linked_clips(tmp_path / "in", SHORT_CLIPS[0])
    corrupt_video(folder)
    code, stdout, stderr = run_cli(
        capsys, "batch", str(folder), "-x", "cat-cow", "-o", str(tmp_path / "out"), "--engine", "ray", "--workers", "2"
    )
    assert code == 1
    assert "Analysed 1 video " in stdout and "1 failed now" in stdout
    assert "corrupt.mp4: not a video file" in stderr
    rows = pq.read_table(tmp_path / "out" / "summary.parquet").to_pylist()
    assert [(row["exercise"], row["status"]) for row in rows] == [("cat-cow", "done"), ("cat-cow", "failed")]
    assert rows[0]["reps"] >= 1


def test_without_ray_the_engine_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if it were not installed
    video = tmp_path / "a.mp4"
    video.write_bytes(b"never read by a worker")
    with pytest.raises(UpperbackError, match=re.escape("pip install 'upperback[ray]'")):
        run_batch(discover_inputs([video], "auto"), tmp_path / "api", RayEngine())

    code, _, stderr = run_cli(capsys, "batch", str(video), "-x", "auto", "-o", str(tmp_path / "out"), "--engine", "ray")
    assert code == 1
    assert "Ray, which is not installed: pip install 'upperback" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "out").exists()  # refused before any work


def test_address_needs_the_ray_engine(tmp_path, capsys):
    video = tmp_path / "a.mp4"
    video.write_bytes(b"x")
    code, _, stderr = run_cli(
        capsys, "batch", str(video), "-x", "auto", "-o", str(tmp_path / "out"), "--address", "auto"
    )
    assert code == 1 and "--engine ray" in stderr
