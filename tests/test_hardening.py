"""What a security and fault review found (issue 18), retried the same way: at the HTTP API and the CLI.

Each test names the finding it covers.
"""

from __future__ import annotations

import html
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import httpx
import psutil
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.websockets import WebSocketDisconnect

from conftest import CLIPS, needs_media, run_cli
from test_processes import wait_until_ended
from upperback.store import analysis_jobs as job_rows
from upperback.store import open_store, sign_ins
from upperback.web.routes import auth
from upperback.web.security import CSRF_COOKIE, SESSION_COOKIE, SESSION_MAX_AGE_S, token_digest
from upperback.web.sign_in_limits import ALL_CLIENTS, PER_CLIENT
from web_support import client_for, files_under, settings_for, token, upload, wait_for_job, write_video

SAMPLES = Path(__file__).parent / "data" / "logbook"
PROFILE = {
    "equipment": ["dumbbells", "chair"],
    "dumbbell_kg": "4, 6, 8",
    "level": "beginner",
    "goal": "posture",
    "days_per_week": "3",
    "minutes_per_session": "30",
    "weeks": "4",
}


def text(response) -> str:
    return html.unescape(response.text)


@pytest.fixture
def client(tmp_path):
    with client_for(settings_for(tmp_path)) as client:
        yield client


@pytest.fixture
def cli_data(tmp_path, monkeypatch):
    monkeypatch.setenv("UPPERBACK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("UPPERBACK_DATABASE_URL", raising=False)
    return tmp_path / "data"


def cli_sets():
    with open_store() as store:
        return store.sets()


# ---------------------------------------------------------------------- finding 4: numbers out of range


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("reps", "1e20", "Reps must be a whole number from 0 to 10,000 (got 1e+20)"),
        ("reps", "1e18", "Reps must be a whole number from 0 to 10,000"),
        ("reps", "-3", "Reps must be a whole number from 0 to 10,000 (got -3)"),
        ("reps", "12.5", "Reps must be a whole number (got 12.5)"),
        ("reps", "1e400", "'1e400' is not a number (reps)"),
        ("reps", "nan", "'nan' is not a number (reps)"),
        ("load", "1e300", "Weight must be a number from 0 to 1,000 kg (got 1e+300)"),
        ("seconds", "1e300", "Duration must be a number from 0 to 86,400 seconds"),
        ("rpe", "11", "RPE must be a number from 1 to 10 (got 11)"),
    ],
)
def test_a_number_out_of_range_on_the_log_form_is_refused_by_name_and_nothing_is_saved(client, field, value, expected):
    form = {"csrf_token": token(client), "exercise": "bent-over-row", "reps": "10", field: value}
    response = client.post("/log", data=form, follow_redirects=False)
    assert response.status_code == 422  # the Log page comes back with what was typed
    assert expected in text(response) and f'value="{value}"' in response.text
    assert client.app.state.store.sets() == []
    assert client.get("/log").status_code == 200  # the next request is served as usual


ODD_NUMBERS = [
    "1e20",
    "-1e20",
    "1e18",
    "1e300",
    "1e400",
    "-inf",
    "nan",
    "9" * 400,
    "-0",
    "1e-320",
    "0x10",
    "1_000",
    "\u0663",
    "12,5",
    " 7 ",
    "",
]


def test_no_number_typed_into_a_form_gives_a_server_error(client):
    profile = client.post("/profile", data={"csrf_token": token(client), **PROFILE}, follow_redirects=False)
    assert profile.status_code == 303
    for value in ODD_NUMBERS:
        for field in ("reps", "load", "seconds", "rpe"):
            form = {"csrf_token": token(client), "exercise": "bent-over-row", "reps": "10", field: value}
            assert client.post("/log", data=form, follow_redirects=False).status_code in (303, 422), (field, value)
            today = {
                "csrf_token": token(client),
                "week": "1",
                "day": "1",
                "item": "2",
                "set_number": "1",
                "reps": "10",
                field: value,
            }
            assert client.post("/today/sets", data=today, headers={"HX-Request": "true"}).status_code in (200, 422)
        for field in ("days_per_week", "minutes_per_session", "weeks", "dumbbell_kg", "barbell_kg"):
            answer = client.post(
                "/profile", data={"csrf_token": token(client), **PROFILE, field: value}, follow_redirects=False
            )
            assert answer.status_code in (303, 422), (field, value)
    for logged in client.app.state.store.sets():
        assert 0 <= (logged.reps or 0) <= 10_000 and 0 <= (logged.load or 0) <= 1000
        assert 0 <= (logged.duration_s or 0) <= 86_400 and (logged.rpe is None or 1 <= logged.rpe <= 10)


def test_a_weight_in_pounds_is_checked_in_pounds(client):
    form = {"csrf_token": token(client), "exercise": "bent-over-row", "reps": "5", "load_unit": "lb"}
    assert client.post("/log", data={**form, "load": "1500"}, follow_redirects=False).status_code == 303
    refused = client.post("/log", data={**form, "load": "3000"}, follow_redirects=False)
    assert refused.status_code == 422 and "from 0 to 2,205 lb" in text(refused)
    assert [s.load for s in client.app.state.store.sets()] == [1500.0]


def test_a_huge_rep_count_in_todays_session_comes_back_beside_the_set(client):
    assert (
        client.post("/profile", data={"csrf_token": token(client), **PROFILE}, follow_redirects=False).status_code
        == 303
    )
    form = {"csrf_token": token(client), "week": "1", "day": "1", "item": "2", "set_number": "1"}
    response = client.post("/today/sets", data={**form, "reps": "1e20"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Reps must be a whole number from 0 to 10,000" in text(response) and "<form" in response.text
    assert client.app.state.store.sets() == []
    assert client.post("/today/sets", data={**form, "reps": "11"}, headers={"HX-Request": "true"}).status_code == 200


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--reps", "1e20", "reps must be a whole number from 0 to 10,000 (got 1e+20)"),
        ("--load", "1e300", "weight must be a number from 0 to 1,000 kg (got 1e+300)"),
        ("--duration", "1e300", "duration must be a number from 0 to 86,400 seconds"),
        ("--distance", "1e300", "distance must be a number from 0 to 1,000,000 m"),
        ("--rpe", "0", "RPE must be a number from 1 to 10 (got 0)"),
    ],
)
def test_the_log_command_refuses_numbers_out_of_range(capsys, cli_data, option, value, expected):
    code, _, err = run_cli(capsys, "log", "bent-over-row", "--reps", "10", option, value)
    assert code == 1
    assert "Nothing was logged" in err and expected in " ".join(err.split())
    assert cli_sets() == []


def test_an_import_with_an_impossible_row_names_the_line_and_imports_nothing(capsys, cli_data, tmp_path):
    lines = (SAMPLES / "strong_classic.csv").read_text().splitlines()
    lines[2] = lines[2].replace(",50,10,", ",50,1e20,")
    lines[3] = lines[3].replace(",50,", ",1e300,", 1)
    path = tmp_path / "strong.csv"
    path.write_text("\n".join(lines) + "\n")
    code, _, err = run_cli(capsys, "import", str(path))
    flat = " ".join(err.split())
    assert code == 1 and "nothing was imported" in flat
    assert "line 3: reps must be a whole number from 0 to 10,000 (got 1e+20)" in flat
    assert "line 4: weight must be a number from 0 to 1,000 kg (got 1e+300)" in flat
    assert cli_sets() == []


# ---------------------------------------------------------------------- finding 5: profile values


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("days_per_week", "abc", "'abc' is not a number (days a week)"),
        ("days_per_week", "-1", "Days a week must be a whole number from 1 to 7 (got -1)"),
        ("days_per_week", "", "Fill in the days a week (from 1 to 7)"),
        ("minutes_per_session", "1e9", "Minutes a session must be a whole number from 1 to 240"),
        ("weeks", "abc", "Choose how many weeks to plan: 4, 6, 8 or 12 (got 'abc')"),
        ("weeks", "5", "Choose how many weeks to plan"),
    ],
)
def test_bad_profile_numbers_are_refused_never_replaced(client, field, value, expected):
    response = client.post("/profile", data={"csrf_token": token(client), **PROFILE, field: value})
    assert response.status_code == 422
    assert expected in text(response)
    assert client.app.state.store.load_profile() is None
    assert client.app.state.store.latest_plan() is None


def test_a_long_band_name_is_refused(client):
    form = {
        "csrf_token": token(client),
        **PROFILE,
        "equipment": ["resistance-band"],
        "dumbbell_kg": "",
        "bands": "light, " + "x" * 20_000,
    }
    response = client.post("/profile", data=form)
    assert response.status_code == 422
    assert "at most 40 characters" in text(response)
    assert client.app.state.store.load_profile() is None
    many = client.post("/profile", data={**form, "bands": ", ".join(f"band {n}" for n in range(13))})
    assert many.status_code == 422 and "at most 12 bands" in text(many)


def test_the_profile_command_refuses_bad_numbers_and_long_band_names(capsys, cli_data):
    code, _, err = run_cli(capsys, "profile", "--days", "-1")
    assert code == 1 and "days_per_week" in err
    code, _, err = run_cli(capsys, "profile", "-e", "resistance-band", "--band", "y" * 500)
    assert code == 1 and "at most 40 characters" in err
    with open_store() as store:
        assert store.load_profile() is None


# ---------------------------------------------------------------------- finding 1: server-side sessions

PASSWORD = "correct horse battery"


def sign_in(client, password: str = PASSWORD):
    return client.post(
        "/login", data={"csrf_token": token(client), "password": password, "next": "/log"}, follow_redirects=False
    )


def signed_in_token(client) -> str:
    response = sign_in(client)
    assert response.status_code == 303
    return response.cookies[SESSION_COOKIE]


def opens_the_log(client, cookie: str) -> bool:
    client.cookies.delete(SESSION_COOKIE)
    client.cookies.set(SESSION_COOKIE, cookie)
    return client.get("/log", follow_redirects=False).status_code == 200


def test_signing_out_ends_the_session_even_for_a_copied_cookie(tmp_path):
    with client_for(settings_for(tmp_path, password=PASSWORD)) as client:
        copied = signed_in_token(client)
        assert opens_the_log(client, copied)
        assert signed_in_token(client) != copied  # a fresh random token each time
        with Session(client.app.state.store.engine) as session:
            stored = {row.token_sha256 for row in session.scalars(select(sign_ins.SignIn))}
        assert token_digest(copied) in stored and copied not in stored  # the database holds no token
        opens_the_log(client, copied)
        assert client.post("/logout", data={"csrf_token": token(client)}, follow_redirects=False).status_code == 303
        assert not opens_the_log(client, copied)
        assert not opens_the_log(client, copied + "x")


def test_a_new_password_ends_the_sessions_of_the_old_one(tmp_path):
    with client_for(settings_for(tmp_path, password=PASSWORD)) as client:
        copied = signed_in_token(client)
    with client_for(settings_for(tmp_path, password=PASSWORD)) as client:  # a restart keeps the sign-in
        assert opens_the_log(client, copied)
    with client_for(settings_for(tmp_path, password="a brand new password")) as client:
        assert not opens_the_log(client, copied)
        with Session(client.app.state.store.engine) as session:
            assert session.scalars(select(sign_ins.SignIn)).all() == []
    with client_for(settings_for(tmp_path, password=PASSWORD)) as client:  # and going back does not revive it
        assert not opens_the_log(client, copied)


def test_a_session_expires(tmp_path):
    with client_for(settings_for(tmp_path, password=PASSWORD)) as client:
        copied = signed_in_token(client)
        set_cookie = next(v for k, v in sign_in(client).headers.multi_items() if k == "set-cookie")
        assert f"Max-Age={SESSION_MAX_AGE_S}" in set_cookie and "HttpOnly" in set_cookie
        with Session(client.app.state.store.engine) as session, session.begin():
            row = session.scalars(
                select(sign_ins.SignIn).where(sign_ins.SignIn.token_sha256 == token_digest(copied))
            ).one()
            assert abs((row.expires_at - row.created_at).total_seconds() - SESSION_MAX_AGE_S) < 5
            row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        assert not opens_the_log(client, copied)


def test_the_live_coach_socket_takes_the_same_sign_in(tmp_path):
    with client_for(settings_for(tmp_path, password=PASSWORD)) as client:
        with (
            pytest.raises(WebSocketDisconnect) as closed,
            client.websocket_connect("/live/ws?exercise=bent-over-row") as ws,
        ):
            ws.receive_json()
        assert closed.value.code == 1008
        copied = signed_in_token(client)
        opens_the_log(client, copied)
        with client.websocket_connect("/live/ws?exercise=bent-over-rows") as ws:
            assert "bent-over-row" in ws.receive_json()["error"]  # let in, and answered
        assert client.post("/logout", data={"csrf_token": token(client)}, follow_redirects=False).status_code == 303
        client.cookies.set(SESSION_COOKIE, copied)
        with pytest.raises(WebSocketDisconnect), client.websocket_connect("/live/ws?exercise=bent-over-row") as ws:
            ws.receive_json()


# ---------------------------------------------------------------------- finding 2: password guessing


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_passwords_in_a_row_wait_longer_each_time_and_say_when_to_try_again(tmp_path, monkeypatch):
    monkeypatch.setattr(auth, "FAILED_SIGN_IN_DELAY_S", 0.0)
    with client_for(settings_for(tmp_path, password=PASSWORD)) as client:
        clock = client.app.state.sign_in_limiter.clock = Clock()
        for _ in range(PER_CLIENT.free_tries + 1):
            assert sign_in(client, "wrong").status_code == 401
        refused = sign_in(client, PASSWORD)  # even the right password waits: no way to test guesses
        assert refused.status_code == 429
        assert "Too many sign-in attempts. Try again in 2 seconds." in text(refused)
        assert refused.headers["Retry-After"] == "2"
        clock.now += 2.5
        assert sign_in(client, "wrong").status_code == 401
        later = sign_in(client, "wrong")
        assert later.status_code == 429 and "Try again in 4 seconds" in text(later)
        clock.now += 4.5
        assert sign_in(client, PASSWORD).status_code == 303
        for _ in range(PER_CLIENT.free_tries):  # a good sign-in starts the count again
            assert sign_in(client, "wrong").status_code == 401


def test_parallel_guesses_are_not_all_checked(tmp_path):
    with client_for(settings_for(tmp_path, password=PASSWORD)) as client, ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: sign_in(client, "wrong").status_code, range(20)))
    assert answers.count(401) == PER_CLIENT.free_tries + 1
    assert answers.count(429) == 20 - PER_CLIENT.free_tries - 1


def test_guesses_from_many_addresses_are_limited_together(tmp_path, monkeypatch):
    monkeypatch.setattr(auth, "FAILED_SIGN_IN_DELAY_S", 0.0)
    with client_for(settings_for(tmp_path, password=PASSWORD)) as first:
        first.app.state.sign_in_limiter.clock = Clock()
        answers = []
        for address in range(ALL_CLIENTS.free_tries + 2):
            other = TestClient(first.app, base_url="http://testserver", client=(f"10.0.0.{address}", 50000))
            other.get("/login")
            answers.append(sign_in(other, "wrong").status_code)
        assert answers == [401] * (ALL_CLIENTS.free_tries + 1) + [429]
        assert "Try again in 2 seconds" in text(sign_in(other, PASSWORD))


# ---------------------------------------------------------------------- finding 3: a killed server's workers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(find, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = find()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout_s:.0f} s")


def answers(http: httpx.Client) -> bool:
    try:
        return http.get("/").status_code == 200
    except httpx.TransportError:
        return False


def workers_reading(server: psutil.Process, folder: Path) -> list[psutil.Process]:
    """The server's child processes that have a file of ``folder`` open: pose workers at work."""
    found = []
    for child in server.children(recursive=True):
        try:
            if any(Path(f.path).parent == folder for f in child.open_files()):
                found.append(child)
        except psutil.Error:
            continue
    return found


@pytest.mark.skipif(
    (os.cpu_count() or 1) < 2,
    reason="the pose pipeline starts worker processes only on a machine with two or more CPU cores",
)
def test_a_server_killed_mid_analysis_leaves_no_worker_behind(tmp_path):
    # Two segments, each far longer than the few seconds the workers get to notice the kill.
    video = write_video(tmp_path / "set.mp4", seconds=240).read_bytes()
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "UPPERBACK_DATABASE_URL"}
    env["UPPERBACK_DATA_DIR"] = str(tmp_path / "data")
    command = [str(Path(sys.executable).with_name("upperback")), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    helpers: list[psutil.Process] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            wait_for(lambda: answers(http), 60, "the server starting")
            uploaded = http.post(
                "/analyze",
                data={"csrf_token": http.cookies[CSRF_COOKIE], "exercise": "bent-over-row"},
                files={"video": ("set.mp4", video, "video/mp4")},
            )
            assert uploaded.status_code == 303
        watched = psutil.Process(server.pid)
        uploads = tmp_path / "data" / "web" / "uploads"
        wait_for(lambda: workers_reading(watched, uploads), 120, "a pose worker reading the video")
        helpers = watched.children(recursive=True)  # the pose worker (and any helper process it started)
        assert helpers
        server.kill()
        server.wait(timeout=10)
        assert wait_until_ended([p.pid for p in helpers], timeout_s=5.0) == []
    finally:
        server.kill()
        for helper in helpers:
            if helper.is_running():
                helper.kill()


# ---------------------------------------------------------------------- finding 7: an over-long file name


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        (5_000, "The file's name is too long (5,000 characters; at most 255 characters are accepted)"),
        (100_000, "The file's name is too long (at most 255 characters are accepted)"),
    ],
)
def test_an_over_long_file_name_is_refused_as_such(client, tmp_path, length, expected):
    video = write_video(tmp_path / "clip.mp4").read_bytes()
    response = upload(client, "a" * (length - 4) + ".mp4", video)
    assert response.status_code == 400
    assert expected in text(response) and "Rename the file" in text(response)
    assert "cut off or garbled" not in text(response)
    assert files_under(tmp_path / "web" / "uploads") == []
    assert job_rows.list_jobs(client.app.state.store.engine) == []
    accepted = upload(client, "b" * 251 + ".mp4", video)
    assert accepted.status_code == 303


def test_an_over_long_file_name_in_a_history_import_is_refused_as_such(client, tmp_path):
    response = client.post(
        "/log/import",
        data={"csrf_token": token(client), "format": "auto"},
        files={"history": ("s" * 4_996 + ".csv", (SAMPLES / "strong_classic.csv").read_bytes(), "text/csv")},
    )
    assert response.status_code == 400 and "The file's name is too long (5,000 characters" in text(response)
    assert client.app.state.store.sets() == []


# ---------------------------------------------------------------------- finding 8: a video too short for a rep


def first_frames(source: Path, target: Path, count: int) -> Path:
    """The first ``count`` frames of a real clip, as a video of its own."""
    with av.open(str(source)) as video, av.open(str(target), "w") as out:
        stream = out.add_stream("libx264", rate=25)
        for index, frame in enumerate(video.decode(video.streams.video[0])):
            if index == 0:
                stream.width, stream.height, stream.pix_fmt = frame.width, frame.height, "yuv420p"
            for packet in stream.encode(frame.reformat(format="yuv420p")):
                out.mux(packet)
            if index + 1 == count:
                break
        for packet in stream.encode():
            out.mux(packet)
    return target


@needs_media
def test_a_single_frame_video_is_called_far_too_short(capsys, tmp_path, cli_data):
    one = first_frames(CLIPS / "row_one_arm_chair_lowres.mp4", tmp_path / "one.mp4", 1)
    code, _, err = run_cli(capsys, "analyze", str(one), "--exercise", "bent-over-row")
    assert code == 1
    assert (
        "one.mp4 is far too short to check: it holds 1 frame (0.0 s of video), and a rep of Bent-over row "
        "takes at least 0.6 s. Film the whole set"
    ) in " ".join(err.split())
    code, _, err = run_cli(capsys, "analyze", str(one), "--exercise", "auto")
    assert code == 1 and "the shortest movement it can check takes at least 0.6 s" in " ".join(err.split())


@needs_media
def test_a_single_frame_upload_fails_with_the_reason_on_its_page(tmp_path):
    one = first_frames(CLIPS / "row_one_arm_chair_lowres.mp4", tmp_path / "one.mp4", 1).read_bytes()
    with client_for(settings_for(tmp_path, run_jobs=True)) as client:
        response = upload(client, "my set.mp4", one, exercise="bent-over-row")
        assert response.status_code == 303
        wait_for_job(client, response.headers["location"], timeout_s=120)
        page = text(client.get(response.headers["location"]))
        assert "'my set.mp4' is far too short to check: it holds 1 frame" in page
        assert job_rows.list_jobs(client.app.state.store.engine)[0].error_kind == "user"


# ---------------------------------------------------------------------- finding 6: sets logged at once


def test_sets_logged_at_the_same_moment_are_numbered_one_to_n(client):
    def log_one(reps: int) -> int:
        form = {"csrf_token": token(client), "exercise": "bent-over-row", "reps": str(reps)}
        return client.post("/log", data=form, follow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert set(pool.map(log_one, range(1, 13))) == {303}
    logged = client.app.state.store.sets()
    assert len(logged) == 12
    assert sorted(s.set_index for s in logged) == list(range(1, 13))


def test_parallel_log_commands_are_numbered_one_to_n(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "UPPERBACK_DATABASE_URL"}
    env["UPPERBACK_DATA_DIR"] = str(tmp_path / "data")
    command = [str(Path(sys.executable).with_name("upperback")), "log", "bent-over-row", "--reps"]
    runs = [
        subprocess.Popen([*command, str(reps)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for reps in (8, 9, 10)
    ]
    assert [run.wait(timeout=120) for run in runs] == [0, 0, 0]
    with open_store(f"sqlite:///{tmp_path / 'data' / 'upperback.sqlite3'}") as store:
        assert sorted(s.set_index for s in store.sets()) == [1, 2, 3]
