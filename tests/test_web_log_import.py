"""Importing another app's history from the Log page: the same import as the CLI, names mapped
afterwards, bad files refused with nothing saved."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from upperback.logbook.importer import import_file
from upperback.logbook.zones import local_zone
from upperback.store import open_store
from upperback.web.routes import log as log_routes
from web_support import client_for, files_under, settings_for, token

SAMPLES = Path(__file__).parent / "data" / "logbook"


@pytest.fixture
def client(tmp_path):
    with client_for(settings_for(tmp_path / "app")) as client:
        yield client


def send(client, name: str, data: bytes, fmt: str = "auto", unit: str = "kg"):
    return client.post(
        "/log/import",
        data={"csrf_token": token(client), "format": fmt, "unit": unit},
        files={"history": (name, data, "text/csv")},
    )


def test_an_import_from_the_page_saves_what_the_cli_saves_and_its_unknown_names_can_be_mapped(client, tmp_path):
    sample = SAMPLES / "strong_v6.csv"
    response = send(client, "strong_v6.csv", sample.read_bytes())
    page = html.unescape(response.text)

    assert response.status_code == 200
    log = client.app.state.store
    with open_store(f"sqlite:///{tmp_path / 'cli.sqlite3'}") as cli_store:
        expected = import_file(cli_store, sample, zone=local_zone())
        cli_sets = [(s.exercise_name, s.exercise_id, s.reps, s.load) for s in cli_store.sets()]
    assert [(s.exercise_name, s.exercise_id, s.reps, s.load) for s in log.sets()] == cli_sets
    assert f"Added {expected.outcome.sets_added} sets" in page and "strong_v6.csv" in page
    assert [u.name for u in expected.unmapped] == ["Seated Row (Cable)"]
    assert 'value="Seated Row (Cable)"' in page  # its mapping form
    assert files_under(client.app.state.settings.uploads_dir) == []  # the upload is not kept

    mapped = client.post(
        "/log/map",
        data={"csrf_token": token(client), "name": "Seated Row (Cable)", "target": "bent-over-row"},
        follow_redirects=False,
    )
    assert mapped.status_code == 303 and mapped.headers["location"] == "/log?mapped=1"
    assert {s.exercise_id for s in log.sets() if s.exercise_name == "Seated Row (Cable)"} == {"bent-over-row"}
    assert "1 logged set now counts as that movement" in html.unescape(client.get(mapped.headers["location"]).text)

    again = send(client, "strong_v6.csv", sample.read_bytes())
    assert "imported before" in again.text and log.count_sets() == len(cli_sets)


def test_a_malformed_file_is_refused_with_its_line_and_the_log_keeps_what_it_had(client):
    assert send(client, "hevy_kg.csv", (SAMPLES / "hevy_kg.csv").read_bytes()).status_code == 200
    before = client.app.state.store.count_sets()
    broken = (SAMPLES / "fitnotes.csv").read_text().replace("\n", "\nnot a date,,,\n", 1)

    response = send(client, "my fitnotes.csv", broken.encode())

    page = html.unescape(response.text)
    assert response.status_code == 422 and "nothing was imported" in page
    assert 'id="import-error"' in page and 'name="history"' in page  # the import form, to try again
    assert "my fitnotes.csv" in page and "line 2" in page
    assert str(client.app.state.settings.uploads_dir) not in page  # no server path shown
    assert client.app.state.store.count_sets() == before


def test_a_file_that_is_not_an_export_and_an_empty_form_are_explained(client):
    picture = send(client, "photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert picture.status_code == 422
    assert "'photo.csv' is not a CSV export from Strong, Hevy or FitNotes." in html.unescape(picture.text)
    assert "--format" not in picture.text and "columns" not in picture.text
    empty = send(client, "empty.csv", b"")
    assert empty.status_code == 400 and "No file was attached" in empty.text
    assert client.app.state.store.count_sets() == 0


def test_an_oversized_file_is_cut_off_at_the_limit_and_not_kept(client, monkeypatch):
    monkeypatch.setattr(log_routes, "MAX_IMPORT_BYTES", 1000)
    response = send(client, "strong_v6.csv", (SAMPLES / "strong_v6.csv").read_bytes() * 20)
    assert response.status_code == 413 and "larger than" in response.text
    assert files_under(client.app.state.settings.uploads_dir) == []
    assert client.app.state.store.count_sets() == 0


def test_mapping_to_a_movement_the_library_lacks_is_refused(client):
    response = client.post(
        "/log/map", data={"csrf_token": token(client), "name": "Seal Row", "target": "bent-over-rwo"}
    )
    assert response.status_code == 404 and "bent-over-row" in response.text
    assert client.app.state.store.aliases() == {}


def test_the_summary_names_the_unit_and_a_pounds_looking_file_can_be_undone_from_it(client):
    lines = ["Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE"]
    lines += [
        f"2024-01-{day:02d} 18:00:00,Pull,1h,Deadlift (Barbell),1,{load},5,0,0,,,"
        for day, load in enumerate((135, 225, 315, 405, 495, 545), start=1)
    ]
    page = html.unescape(send(client, "strong.csv", ("\n".join(lines) + "\n").encode()).text)
    assert "does not say which unit" in page and "look like pounds" in page and "set to lb" in page
    log = client.app.state.store
    (batch,) = log.imports()
    assert f'action="/log/imports/{batch.id}/undo"' in page
    undone = client.post(f"/log/imports/{batch.id}/undo", data={"csrf_token": token(client)}, follow_redirects=True)
    assert "Undid the import of strong.csv: 6 sets" in html.unescape(undone.text)
    assert log.count_sets() == 0 and log.imports() == []
    again = html.unescape(send(client, "strong.csv", ("\n".join(lines) + "\n").encode(), unit="lb").text)
    assert "read as lb" in again and "look like pounds" not in again


def test_unknown_names_come_in_one_table_with_bulk_actions(client):
    page = send(client, "hevy_kg.csv", (SAMPLES / "hevy_kg.csv").read_bytes()).text
    assert page.count("<form") - page.count('action="/log/imports') <= 3  # the names table is one form
    log = client.app.state.store
    unmapped = sorted({s.exercise_name for s in log.sets() if s.exercise_id is None})
    response = client.post(
        "/log/map-many",
        data={
            "csrf_token": token(client),
            "name": unmapped,
            "target": ["bent-over-row"] + [""] * (len(unmapped) - 1),
            "suggestion": [""] * len(unmapped),
            "current": [""] * len(unmapped),
            "action": "chosen",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert {s.exercise_id for s in log.sets() if s.exercise_name == unmapped[0]} == {"bent-over-row"}
    assert all(s.exercise_id is None for s in log.sets() if s.exercise_name in unmapped[1:])


def test_a_set_is_corrected_and_deleted_from_the_log_and_the_log_pages_through_history(client, monkeypatch):
    send(client, "strong_classic.csv", (SAMPLES / "strong_classic.csv").read_bytes())
    log = client.app.state.store
    first = log.sets()[0]
    form = client.get(f"/log/sets/{first.id}")
    assert form.status_code == 200 and "Delete the whole session" in form.text
    saved = client.post(
        f"/log/sets/{first.id}",
        data={
            "csrf_token": token(client),
            "reps": "9",
            "load": "41",
            "load_unit": "kg",
            "set_type": "warmup",
            "notes": "ok",
        },
        follow_redirects=True,
    )
    assert "corrected" in saved.text and (log.get_set(first.id).reps, log.get_set(first.id).load) == (9, 41.0)
    bad = client.post(f"/log/sets/{first.id}", data={"csrf_token": token(client), "rpe": "15"})
    assert bad.status_code == 400 and log.get_set(first.id).rpe is None
    client.post(f"/log/sets/{first.id}/delete", data={"csrf_token": token(client)})
    assert first.id not in {s.id for s in log.sets()}

    monkeypatch.setattr(log_routes, "PAGE_SIZE", 5)
    pages = [client.get(f"/log?page={n}").text for n in (1, 2, 3)]
    assert "Page 1 of 3 (12 sets)" in pages[0] and 'rel="next"' in pages[0] and 'rel="prev"' in pages[2]
    shown = [page.count('href="/log/sets/') for page in pages]
    assert shown == [5, 5, 2]


def test_progress_lists_the_most_trained_records_and_searches_them(client):
    send(client, "strong_classic.csv", (SAMPLES / "strong_classic.csv").read_bytes())
    page = html.unescape(client.get("/progress").text)
    assert "most trained exercises" in page and "Barbell bent-over row" in page and "Hard sets per week" in page
    found = html.unescape(client.get("/progress", params={"q": "bench"}).text)
    records = found[found.index('id="records"') :]
    assert '1 exercise match "bench"' in records and "Bench Press (Barbell)" in records
    assert "Bent-over row" not in records


def test_a_form_analysis_is_deleted_from_the_log_page_and_its_set_stays(client):
    from datetime import UTC, datetime

    from upperback.store import FormAnalysisRecord, LoggedSet

    log = client.app.state.store
    set_id = log.log_set(
        LoggedSet(performed_at=datetime(2025, 1, 1, tzinfo=UTC), exercise_id="cat-cow", exercise_name="Cat-cow", reps=8)
    )
    analysis = log.link_form_analysis(
        FormAnalysisRecord(
            exercise_id="cat-cow",
            analyzed_at=datetime(2025, 1, 1, tzinfo=UTC),
            report_path="r.json",
            report_sha256="b" * 64,
            summary={"rep_count": 8},
            set_id=set_id,
        )
    )
    assert f'action="/log/analyses/{analysis}/delete"' in client.get("/log").text
    done = client.post(f"/log/analyses/{analysis}/delete", data={"csrf_token": token(client)}, follow_redirects=True)
    assert "form analysis of Cat-cow was deleted" in html.unescape(done.text)
    assert log.form_analyses() == [] and log.count_sets() == 1


def test_taking_every_suggestion_maps_only_the_unmapped_names_that_have_one(client):
    page = html.unescape(send(client, "strong_v6.csv", (SAMPLES / "strong_v6.csv").read_bytes()).text)
    assert "Take every suggestion" in page
    log = client.app.state.store
    matched = {s.exercise_name: (s.exercise_id, s.variant_id) for s in log.sets() if s.exercise_id}
    response = client.post(
        "/log/map-many",
        data={
            "csrf_token": token(client),
            "name": ["Seated Row (Cable)", "Bent Over Row (Dumbbell)"],
            "target": ["", "dumbbell-bent-over-row"],
            "suggestion": ["bent-over-row", ""],
            "current": ["", "dumbbell-bent-over-row"],
            "action": "suggested",
        },
        follow_redirects=True,
    )
    assert "1 logged set now counts as that movement" in html.unescape(response.text)
    assert {s.exercise_id for s in log.sets() if s.exercise_name == "Seated Row (Cable)"} == {"bent-over-row"}
    assert {
        s.exercise_name: (s.exercise_id, s.variant_id) for s in log.sets() if s.exercise_name in matched
    } == matched  # the matched names were left as they were
