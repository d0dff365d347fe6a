"""Importing another app's history from the Log page: the same import as the CLI, names mapped
afterwards, bad files refused with nothing saved."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from web_support import client_for, files_under, settings_for, token

from upperback.logbook.importer import import_file
from upperback.logbook.zones import local_zone
from upperback.store import open_store
from upperback.web.routes import log as log_routes

SAMPLES = Path(__file__).parent / "data" / "logbook"


@pytest.fixture
def client(tmp_path):
    with client_for(settings_for(tmp_path / "app")) as client:
        yield client


def send(client, name: str, data: bytes, fmt: str = "auto", unit: str = "kg"):
    return client.post("/log/import", data={"csrf_token": token(client), "format": fmt, "unit": unit},
                       files={"history": (name, data, "text/csv")})


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

    mapped = client.post("/log/map", data={"csrf_token": token(client), "name": "Seated Row (Cable)",
                                           "target": "bent-over-row"}, follow_redirects=False)
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
    response = client.post("/log/map", data={"csrf_token": token(client), "name": "Seal Row",
                                             "target": "bent-over-rwo"})
    assert response.status_code == 404 and "bent-over-row" in response.text
    assert client.app.state.store.aliases() == {}
