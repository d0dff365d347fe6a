"""The web app's analysis jobs on the Ray engine: same report as a local analysis."""

from __future__ import annotations

import json

import pytest

from conftest import CLIPS, clip_track, needs_media
from upperback.analysis import analyze
from upperback.store import analysis_jobs as job_rows
from upperback.store.analysis_jobs import JobState
from web_support import client_for, settings_for, upload, wait_for_job, write_video

ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'upperback[ray]'")

CLIP = "cat_cow_home_side.mp4"


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@needs_media
def test_an_upload_analyzed_on_ray_gets_the_full_report(tmp_path, local_ray):
    settings = settings_for(tmp_path, run_jobs=True, engine="ray")
    with client_for(settings) as client:
        job_url = upload(client, "my cat-cow.mp4", (CLIPS / CLIP).read_bytes(), exercise="cat-cow").headers["location"]
        wait_for_job(client, job_url, timeout_s=300)
        (job,) = job_rows.list_jobs(client.app.state.store.engine)
        assert job.state is JobState.DONE, job.error
        report = json.loads((tmp_path / "web" / job.report_json).read_text())
        assert report["rep_count"] == analyze(clip_track(CLIP), "cat-cow").rep_count
        assert report["source"]["name"] == "my cat-cow.mp4"
        assert (tmp_path / "web" / job.annotated_video).stat().st_size > 0
        assert "1 rep" in client.get(job_url).text


def test_a_user_error_on_ray_reaches_the_user_without_the_server_path(tmp_path, local_ray):
    video = write_video(tmp_path / "empty_room.mp4", seconds=3).read_bytes()
    settings = settings_for(tmp_path / "data", run_jobs=True, engine="ray")
    with client_for(settings) as client:
        job_url = upload(client, "empty room.mp4", video, exercise="bent-over-row").headers["location"]
        wait_for_job(client, job_url, timeout_s=300)
        (job,) = job_rows.list_jobs(client.app.state.store.engine)
        assert job.state is JobState.FAILED and job.error_kind == "user"
        assert "'empty room.mp4': no person was found" in job.error
        assert str(tmp_path) not in job.error
