"""Video analysis jobs: recorded in the database, run in the background, never lost on a restart."""

from __future__ import annotations

import html
import re
import threading
import time

import pytest

from conftest import CLIPS, WILD_CLIPS, clip_track, needs_media, needs_wild_media
from upperback.analysis import analyze
from upperback.store import analysis_jobs as job_rows
from upperback.store import open_store
from upperback.store.analysis_jobs import MAX_ATTEMPTS, JobState
from web_support import client_for, settings_for, upload, wait_for_job, write_video

CLIP = "cat_cow_home_side.mp4"


def _only_job(client):
    jobs = job_rows.list_jobs(client.app.state.store.engine)
    assert len(jobs) == 1
    return jobs[0]


def test_a_job_left_running_by_a_crash_is_queued_again_on_start_up(tmp_path):
    video = write_video(tmp_path / "clip.mp4").read_bytes()
    with client_for(settings_for(tmp_path)) as client:
        assert upload(client, "clip.mp4", video).status_code == 303
        claimed = job_rows.claim_next(client.app.state.store.engine)  # a worker took it, then the power went
        assert claimed.state is JobState.RUNNING
    with client_for(settings_for(tmp_path)) as client:
        job = _only_job(client)
        assert job.state is JobState.QUEUED and job.attempts == 1
        page = client.get(f"/analyses/{job.public_id}")
        assert "Waiting for its turn" in page.text and "restarted" in page.text
        assert (tmp_path / "web" / job.upload_file).read_bytes() == video


def test_a_video_that_keeps_stopping_the_server_is_given_up_with_a_message(tmp_path):
    video = write_video(tmp_path / "clip.mp4").read_bytes()
    for _ in range(MAX_ATTEMPTS):
        with client_for(settings_for(tmp_path)) as client:
            if not job_rows.list_jobs(client.app.state.store.engine):
                upload(client, "clip.mp4", video)
            job_rows.claim_next(client.app.state.store.engine)
    with client_for(settings_for(tmp_path)) as client:
        job = _only_job(client)
        assert job.state is JobState.FAILED and job.error_kind == "internal"
        page = client.get(f"/analyses/{job.public_id}")
        assert "stopped the server 3 times" in page.text
        assert "Analyse it again" in page.text  # the upload is kept, so it can be retried


def test_a_video_without_a_person_fails_with_the_reason_on_its_page(tmp_path):
    video = write_video(tmp_path / "empty_room.mp4", seconds=3).read_bytes()
    with client_for(settings_for(tmp_path, run_jobs=True)) as client:
        response = upload(client, "empty room.mp4", video, exercise="bent-over-row")
        job_url = response.headers["location"]
        wait_for_job(client, job_url, timeout_s=120)
        job = _only_job(client)
        assert job.state is JobState.FAILED and job.error_kind == "user"
        page = html.unescape(client.get(job_url).text)
        assert "This video could not be analysed" in page
        assert "'empty room.mp4': no person was found in the video" in page
        assert job.upload_file.split("/")[-1] not in page  # the server's file name is never shown


def test_stopping_the_server_mid_analysis_puts_the_job_back_in_the_queue(tmp_path):
    video = write_video(tmp_path / "long.mp4", seconds=90, size=(192, 144)).read_bytes()
    with client_for(settings_for(tmp_path, run_jobs=True, pose_workers=1)) as client:
        upload(client, "long.mp4", video)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = _only_job(client)
            if job.state is JobState.RUNNING and job.progress > 0:
                break
            time.sleep(0.2)
        assert job.state is JobState.RUNNING and job.progress > 0
    with client_for(settings_for(tmp_path)) as client:
        job = _only_job(client)
        assert job.state is JobState.QUEUED


@needs_media
def test_an_upload_survives_a_restart_and_its_report_survives_the_next(tmp_path):
    expected = analyze(clip_track(CLIP), "cat-cow")
    video = (CLIPS / CLIP).read_bytes()
    with client_for(settings_for(tmp_path)) as client:  # the first server dies while analysing
        job_url = upload(client, "my cat-cow.mp4", video).headers["location"]
        job_rows.claim_next(client.app.state.store.engine)
    with client_for(settings_for(tmp_path, run_jobs=True)) as client:
        wait_for_job(client, job_url)
        job = _only_job(client)
        assert job.state is JobState.DONE, job.error
        assert job.exercise_id == "cat-cow" and job.rep_count == expected.rep_count
    with client_for(settings_for(tmp_path)) as client:  # and after another restart it is all still there
        page = html.unescape(client.get(job_url).text)
        summary = re.search(r'id="rep-summary">(.*?)</p>', page, re.S).group(1)
        assert f"{expected.rep_count} rep" in summary
        assert client.get(f"{job_url}/report.json").json()["rep_count"] == expected.rep_count
        video_part = client.get(f"{job_url}/video.mp4", headers={"Range": "bytes=0-99"})
        assert video_part.status_code == 206 and len(video_part.content) == 100
        assert video_part.headers["content-type"] == "video/mp4"
        assert client.get(f"{job_url}/report.html").status_code == 200
        analyses = client.app.state.store.form_analyses()
        assert [a.exercise_id for a in analyses] == ["cat-cow"]
        assert analyses[0].summary["rep_count"] == expected.rep_count
        assert "my cat-cow.mp4" in client.get("/analyses").text


@needs_wild_media
def test_a_variant_uploaded_is_named_on_its_report_page(tmp_path):
    video = (WILD_CLIPS / "row_barbell_1080p.mp4").read_bytes()
    with client_for(settings_for(tmp_path, run_jobs=True)) as client:
        job_url = upload(client, "my rows.mp4", video, exercise="barbell-bent-over-row").headers["location"]
        wait_for_job(client, job_url)
        assert _only_job(client).state is JobState.DONE
        page = " ".join(html.unescape(client.get(job_url).text).split())
        assert "<h1>Barbell bent-over row</h1>" in page and "filmed from a diagonal (oblique)" in page
        assert client.get(f"{job_url}/report.json").json()["variant"] == "barbell-bent-over-row"


@pytest.mark.parametrize("state", ["queued", "running"])
def test_the_progress_fragment_polls_until_the_job_finishes(tmp_path, state):
    video = write_video(tmp_path / "clip.mp4").read_bytes()
    with client_for(settings_for(tmp_path)) as client:
        job_url = upload(client, "clip.mp4", video).headers["location"]
        engine = client.app.state.store.engine
        if state == "running":
            job = job_rows.claim_next(engine)
            job_rows.set_progress(engine, job.public_id, 0.42, "Finding your pose in each frame")
        fragment = client.get(f"{job_url}/status")
        assert 'hx-trigger="every 1s"' in fragment.text and "HX-Refresh" not in fragment.headers
        if state == "running":
            assert "42%" in fragment.text and "Finding your pose" in fragment.text
        job_rows.fail_job(engine, job_url.rsplit("/", 1)[1], "The file ended early.", "user")
        done = client.get(f"{job_url}/status")
        assert done.headers["HX-Refresh"] == "true" and "every 1s" not in done.text


@pytest.fixture(params=["sqlite", "postgresql"])
def job_store(request, tmp_path):
    if request.param == "sqlite":
        with open_store(f"sqlite:///{tmp_path / 'log.sqlite3'}") as store:
            yield store
        return
    from pg_server import create_database, postgres_server, unavailable_reason

    if unavailable_reason() is not None:
        pytest.skip(str(unavailable_reason()))
    with postgres_server() as server, open_store(create_database(server, "upperback_jobs")) as store:
        yield store


def test_workers_claiming_at_once_never_take_the_same_job(job_store):
    engine = job_store.engine
    queued = [
        job_rows.add_job(
            engine,
            public_id=job_rows.new_public_id(),
            exercise_requested="auto",
            original_name=f"clip {n}.mp4",
            upload_file=f"uploads/{n:032x}",
            upload_bytes=100,
        ).public_id
        for n in range(12)
    ]
    claimed: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        while (job := job_rows.claim_next(engine)) is not None:
            with lock:
                claimed.append(job.public_id)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(queued)
    assert {j.state for j in job_rows.list_jobs(engine)} == {JobState.RUNNING}
