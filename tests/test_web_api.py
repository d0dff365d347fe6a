"""The web app through FastAPI's test client: CSRF, uploads checked on content, size limits, paths,
binding, sign-in, pages and set logging."""

from __future__ import annotations

import html
import re

import pytest

from conftest import run_cli
from upperback.library import get_library
from upperback.plans.today import next_session
from upperback.store import analysis_jobs as job_rows
from upperback.web import planning
from upperback.web.muscle_map import unmapped_muscles
from upperback.web.security import new_csrf_token
from upperback.web.settings import check_bind, is_loopback
from web_support import (
    client_for,
    files_under,
    settings_for,
    token,
    upload,
    write_audio_only_mp4,
    write_video,
)


def text(response) -> str:
    """The response body with HTML entities decoded, for asserting on the words a user reads."""
    return html.unescape(response.text)


PROFILE = {
    "equipment": ["dumbbells", "chair"],
    "dumbbell_kg": "4, 6, 8",
    "level": "beginner",
    "goal": "posture",
    "days_per_week": "3",
    "minutes_per_session": "30",
    "weeks": "4",
}


@pytest.fixture
def client(tmp_path):
    with client_for(settings_for(tmp_path)) as client:
        yield client


# ---------------------------------------------------------------------- CSRF


def _post_routes(app) -> list[str]:
    """Every POST path the app serves (path parameters filled with a well-formed job id)."""
    return [
        re.sub(r"\{[^}]+\}", "0" * 32, path) for path, methods in app.openapi()["paths"].items() if "post" in methods
    ]


def test_every_post_route_rejects_a_request_without_a_valid_csrf_token(client):
    paths = _post_routes(client.app)
    assert {"/profile", "/today/sets", "/today/finish", "/log", "/analyze", "/login"} <= set(paths)
    forged = new_csrf_token(b"another server's key" * 2)
    for path in paths:
        missing = client.post(path, data={"week": "1", "day": "1"})
        assert missing.status_code == 403, path
        assert "This form was not accepted" in missing.text
        wrong_key = client.post(path, data={"csrf_token": forged}, headers={"X-CSRF-Token": forged})
        assert wrong_key.status_code == 403, path
    assert client.app.state.store.load_profile() is None


def test_the_old_address_of_the_upload_form_still_leads_to_it(client):
    moved = client.get("/analyse?exercise=cat-cow", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/analyze?exercise=cat-cow"
    assert 'value="cat-cow" selected' in client.get(moved.headers["location"]).text


def test_a_token_from_another_browser_is_refused_even_if_validly_signed(client, tmp_path):
    with client_for(settings_for(tmp_path)) as other:
        stolen = token(other)  # signed by the same server, but not this browser's cookie
    response = client.post("/profile", data={"csrf_token": stolen, **PROFILE})
    assert response.status_code == 403
    assert client.app.state.store.load_profile() is None


def test_the_form_token_and_the_htmx_header_are_both_accepted(client):
    assert (
        client.post("/profile", data={"csrf_token": token(client), **PROFILE}, follow_redirects=False).status_code
        == 303
    )
    response = client.post(
        "/today/sets",
        data={"week": "1", "day": "1", "item": "2", "set_number": "1", "reps": "11"},
        headers={"X-CSRF-Token": token(client), "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "11 reps" in response.text


# ---------------------------------------------------------------------- uploads


def test_a_text_file_named_like_a_video_is_rejected_on_its_content(client, tmp_path):
    response = upload(client, "my_set.mp4", b"This is a shopping list, not a video.\n" * 50)
    assert response.status_code == 400
    assert "'my_set.mp4' is not a video file" in text(response)
    assert files_under(tmp_path / "web" / "uploads") == []
    assert job_rows.list_jobs(client.app.state.store.engine) == []


def test_a_real_container_without_a_picture_is_rejected(client, tmp_path):
    audio = write_audio_only_mp4(tmp_path / "voice.m4a").read_bytes()
    response = upload(client, "row.mp4", audio)
    assert response.status_code == 400
    assert "has no picture" in response.text
    assert files_under(tmp_path / "web" / "uploads") == []


def test_a_real_video_with_a_misleading_name_is_accepted_and_stored_under_a_server_name(client, tmp_path):
    video = write_video(tmp_path / "clip.mp4").read_bytes()
    response = upload(client, "../../notes.txt", video)
    assert response.status_code == 303
    job = job_rows.list_jobs(client.app.state.store.engine)[0]
    assert re.fullmatch(r"uploads/[0-9a-f]{32}", job.upload_file)
    assert job.original_name == "notes.txt"
    stored = tmp_path / "web" / job.upload_file
    assert stored.read_bytes() == video
    assert not (tmp_path / "notes.txt").exists() and not (tmp_path.parent / "notes.txt").exists()
    assert response.headers["location"] == f"/analyses/{job.public_id}"


def test_an_oversized_upload_is_refused_and_nothing_is_kept(tmp_path):
    video = write_video(tmp_path / "clip.mp4", seconds=4, size=(320, 240)).read_bytes()
    limit = len(video) // 2
    with client_for(settings_for(tmp_path, max_upload_bytes=limit)) as client:
        response = upload(client, "long.mp4", video)
        assert response.status_code == 413
        assert "larger than" in response.text
        # Without a Content-Length (chunked), the limit is applied while the body streams in.
        boundary = "testboundary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token(client)}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="a.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()

        def body():
            yield head
            for start in range(0, len(video), 4096):
                yield video[start : start + 4096]
            yield f"\r\n--{boundary}--\r\n".encode()

        streamed = client.post(
            "/analyze", content=body(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        assert streamed.status_code == 413
        assert job_rows.list_jobs(client.app.state.store.engine) == []
    assert files_under(tmp_path / "web" / "uploads") == []


def test_a_forged_upload_writes_nothing_to_disk(client, tmp_path):
    video = write_video(tmp_path / "clip.mp4").read_bytes()
    response = upload(client, "clip.mp4", video, with_token=False)
    assert response.status_code == 403
    assert files_under(tmp_path / "web" / "uploads") == []


def test_an_unknown_movement_in_the_upload_form_gets_a_clear_page(client, tmp_path):
    video = write_video(tmp_path / "clip.mp4").read_bytes()
    response = upload(client, "clip.mp4", video, exercise="deadlift")
    assert response.status_code == 404
    assert "Unknown exercise 'deadlift'" in text(response)
    assert files_under(tmp_path / "web" / "uploads") == []


# ---------------------------------------------------------------------- paths


@pytest.mark.parametrize(
    "path",
    [
        "/static/..%2f..%2fsettings.py",
        "/static/%2e%2e/%2e%2e/app.py",
        "/library/..%2f..%2f..%2fetc%2fpasswd",
        "/analyses/..%2f..%2fupperback.sqlite3/report.json",
        "/analyses/%2e%2e%2fsecret.key/video.mp4",
        "/analyses/0123456789abcdef0123456789abcdef/report.json",
        "/log/export.sqlite3",
    ],
)
def test_no_request_path_reaches_the_file_system(client, tmp_path, path):
    secret = (tmp_path / "web" / "secret.key").read_text()
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "root:" not in response.text and "SQLite format" not in response.text
    assert secret not in response.text and "import " not in response.text


def test_static_files_and_the_offline_plotly_bundle_are_served(client):
    assert "htmx" in client.get("/static/htmx.min.js").text[:200]
    plotly = client.get("/vendor/plotly.min.js")
    assert plotly.status_code == 200 and "plotly" in plotly.text[:2000].lower()


def test_requests_for_another_host_name_are_refused(client):
    response = client.get("/", headers={"Host": "attacker.example"})
    assert response.status_code == 400


# ---------------------------------------------------------------------- binding and sign-in


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_are_allowed_without_a_password(host):
    assert is_loopback(host)
    check_bind(host, allow_remote=False, password=None)


def test_serve_refuses_a_network_address_without_the_flag_and_a_password(capsys, tmp_path):
    code, _, err = run_cli(capsys, "serve", "--host", "0.0.0.0")
    assert code == 1 and "Refusing to listen on 0.0.0.0" in err
    code, _, err = run_cli(capsys, "serve", "--host", "192.168.1.20", "--allow-remote")
    assert code == 1 and "needs a password" in err
    short = tmp_path / "pw.txt"
    short.write_text("abc\n")
    code, _, err = run_cli(capsys, "serve", "--host", "0.0.0.0", "--allow-remote", "--password-file", str(short))
    assert code == 1 and "too short" in err


def test_a_password_protects_every_page(tmp_path):
    with client_for(settings_for(tmp_path, password="correct horse battery")) as client:
        page = client.get("/log", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/log"
        assert (
            client.get("/analyses/0123456789abcdef0123456789abcdef/video.mp4", follow_redirects=False).status_code
            == 303
        )
        assert client.post("/log", data={"csrf_token": token(client)}).status_code == 401
        wrong = client.post("/login", data={"csrf_token": token(client), "password": "wrong", "next": "/log"})
        assert wrong.status_code == 401 and "not right" in wrong.text
        right = client.post(
            "/login",
            data={"csrf_token": token(client), "password": "correct horse battery", "next": "//evil.example/"},
            follow_redirects=False,
        )
        assert right.status_code == 303 and right.headers["location"] == "/"
        assert client.get("/log").status_code == 200


# ---------------------------------------------------------------------- pages


def test_every_movement_page_teaches_the_whole_movement(client):
    library = get_library()
    assert unmapped_muscles(library) == []
    for movement in library.movements:
        page = client.get(f"/library/{movement.id}")
        assert page.status_code == 200
        words = text(page)
        for step in movement.steps:
            assert step.text in words
        for fault in movement.faults:
            assert fault.title in words and fault.cue in words
        for variant in movement.variants:
            assert variant.name in words
        targets = {u.muscle for u in movement.muscles if u.role.value == "target"}
        highlighted = set(re.findall(r'class="region role-target" d="[^"]+" data-muscle="([a-z-]+)"', page.text))
        assert highlighted == targets


def test_unknown_movement_and_page_get_clear_pages(client):
    page = client.get("/library/deadlift")
    assert page.status_code == 404 and "Unknown exercise 'deadlift'" in text(page)
    assert client.get("/no/such/page").status_code == 404


def test_an_impossible_profile_is_explained_and_nothing_is_saved(client):
    response = client.post("/profile", data={"csrf_token": token(client), **PROFILE, "minutes_per_session": "5"})
    assert response.status_code == 422
    assert "too short" in response.text
    assert client.app.state.store.load_profile() is None
    assert client.app.state.store.latest_plan() is None


def test_bad_weights_in_the_profile_form_come_back_with_the_text_kept(client):
    response = client.post("/profile", data={"csrf_token": token(client), **PROFILE, "dumbbell_kg": "4, six"})
    assert response.status_code == 422
    assert "'six'" in text(response) and 'value="4, six"' in response.text


def test_a_profile_gives_a_plan_and_logged_sets_reach_the_store(client):
    saved = client.post("/profile", data={"csrf_token": token(client), **PROFILE}, follow_redirects=False)
    assert saved.status_code == 303
    store = client.app.state.store
    assert store.load_profile()["dumbbell_kg"] == [4.0, 6.0, 8.0]
    today = client.get("/today")
    assert "Week 1, day 1" in today.text
    session = planning.saved_programme(store)[1].weeks[0].days[0].session
    item = next(i for i, it in enumerate(session.items) if it.hard and it.unit == "reps")
    form = {
        "csrf_token": token(client),
        "week": "1",
        "day": "1",
        "item": str(item),
        "set_number": "1",
        "reps": "12",
        "load": "6",
        "rpe": "8",
    }
    first = client.post("/today/sets", data=form, headers={"HX-Request": "true"})
    assert first.status_code == 200 and "rest-start" in first.headers["HX-Trigger"]
    again = client.post("/today/sets", data={**form, "reps": "5"}, headers={"HX-Request": "true"})
    assert "12 reps" in again.text
    logged = store.sets()
    assert len(logged) == 1
    assert (logged[0].reps, logged[0].load, logged[0].load_unit, logged[0].rpe) == (12, 6.0, "kg", 8.0)
    assert logged[0].session_id is not None and logged[0].source == "session"
    bad = client.post("/today/sets", data={**form, "set_number": "2", "reps": "many"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "'many' is not a number" in text(bad) and "<form" in bad.text
    assert len(store.sets()) == 1
    assert "✓ logged" in client.get("/today").text
    finished = client.post(
        "/today/finish", data={"csrf_token": token(client), "week": "1", "day": "1"}, follow_redirects=False
    )
    assert finished.status_code == 303
    assert store.sessions()[0].ended_at is not None
    assert "Week 1, day 3" in client.get("/today").text  # the next planned session
    programme = planning.saved_programme(store)[1]
    assert next_session(programme, store.sets()).title == "Week 1, day 3"  # the terminal agrees
    calendar = client.get("/programme/plan.ics")
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert calendar.text.count("BEGIN:VEVENT") == len(programme.days())
    assert client.get("/programme/print").status_code == 200
    preview = client.get("/today?week=2&day=1")
    assert "A preview of a planned day" in preview.text and "set-form" not in preview.text


def test_a_set_logged_by_hand_shows_in_the_log_and_exports(client):
    response = client.post(
        "/log",
        data={"csrf_token": token(client), "exercise": "band-pull-apart", "reps": "15", "notes": "green band"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get("/log")
    assert "15 reps" in page.text and "green band" in page.text
    exported = client.get("/log/export.json")
    assert exported.status_code == 200 and '"band-pull-apart"' in exported.text
    assert client.get("/log/export.csv").text.count("\n") >= 2
    assert client.get("/progress").status_code == 200


def test_security_headers_are_set(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "samesite=strict" in client.get("/", headers={"Cookie": ""}).headers["set-cookie"].lower()


def test_a_short_history_ticks_each_date_once_on_the_progress_charts(client):
    import json

    for reps in ("12", "10"):
        assert (
            client.post(
                "/log",
                data={
                    "csrf_token": token(client),
                    "exercise": "bent-over-row",
                    "reps": reps,
                    "load": "8",
                    "load_unit": "kg",
                },
                follow_redirects=False,
            ).status_code
            == 303
        )
    page = client.get("/progress").text
    figures = [
        json.loads(raw)
        for raw in re.findall(r'<script type="application/json" id="chart-\d+">(.*?)</script>', page, re.S)
    ]
    dated = [f["layout"]["xaxis"] for f in figures if f["layout"].get("xaxis", {}).get("type") == "date"]
    assert dated, "the one-rep max chart is on a date axis"
    assert all(axis.get("dtick") == 86_400_000 for axis in dated)  # no half-day ticks labelled twice
