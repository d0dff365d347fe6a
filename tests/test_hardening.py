"""What a security and fault review found (issue 18), retried the same way: at the HTTP API and the CLI.

Each test names the finding it covers.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from web_support import client_for, settings_for, token

from conftest import run_cli
from upperback.store import open_store

SAMPLES = Path(__file__).parent / "data" / "logbook"
PROFILE = {"equipment": ["dumbbells", "chair"], "dumbbell_kg": "4, 6, 8", "level": "beginner",
           "goal": "posture", "days_per_week": "3", "minutes_per_session": "30", "weeks": "4"}


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


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("reps", "1e20", "Reps must be a whole number from 0 to 10,000 (got 1e+20)"),
    ("reps", "1e18", "Reps must be a whole number from 0 to 10,000"),
    ("reps", "-3", "Reps must be a whole number from 0 to 10,000 (got -3)"),
    ("reps", "12.5", "Reps must be a whole number (got 12.5)"),
    ("reps", "1e400", "'1e400' is not a number (reps)"),
    ("reps", "nan", "'nan' is not a number (reps)"),
    ("load", "1e300", "Weight must be a number from 0 to 1,000 kg (got 1e+300)"),
    ("seconds", "1e300", "Duration must be a number from 0 to 86,400 seconds"),
    ("rpe", "11", "RPE must be a number from 1 to 10 (got 11)"),
])
def test_a_number_out_of_range_on_the_log_form_is_refused_by_name_and_nothing_is_saved(client, field, value,
                                                                                      expected):
    form = {"csrf_token": token(client), "exercise": "bent-over-row", "reps": "10", field: value}
    response = client.post("/log", data=form, follow_redirects=False)
    assert response.status_code == 400
    assert expected in text(response)
    assert client.app.state.store.sets() == []
    assert client.get("/log").status_code == 200  # the next request is served as usual


def test_a_weight_in_pounds_is_checked_in_pounds(client):
    form = {"csrf_token": token(client), "exercise": "bent-over-row", "reps": "5", "load_unit": "lb"}
    assert client.post("/log", data={**form, "load": "1500"}, follow_redirects=False).status_code == 303
    refused = client.post("/log", data={**form, "load": "3000"}, follow_redirects=False)
    assert refused.status_code == 400 and "from 0 to 2,205 lb" in text(refused)
    assert [s.load for s in client.app.state.store.sets()] == [1500.0]


def test_a_huge_rep_count_in_todays_session_comes_back_beside_the_set(client):
    assert client.post("/profile", data={"csrf_token": token(client), **PROFILE},
                       follow_redirects=False).status_code == 303
    form = {"csrf_token": token(client), "week": "1", "day": "1", "item": "2", "set_number": "1"}
    response = client.post("/today/sets", data={**form, "reps": "1e20"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Reps must be a whole number from 0 to 10,000" in text(response) and "<form" in response.text
    assert client.app.state.store.sets() == []
    assert client.post("/today/sets", data={**form, "reps": "11"},
                       headers={"HX-Request": "true"}).status_code == 200


@pytest.mark.parametrize(("option", "value", "expected"), [
    ("--reps", "1e20", "reps must be a whole number from 0 to 10,000 (got 1e+20)"),
    ("--load", "1e300", "weight must be a number from 0 to 1,000 kg (got 1e+300)"),
    ("--duration", "1e300", "duration must be a number from 0 to 86,400 seconds"),
    ("--distance", "1e300", "distance must be a number from 0 to 1,000,000 m"),
    ("--rpe", "0", "RPE must be a number from 1 to 10 (got 0)"),
])
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


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("days_per_week", "abc", "'abc' is not a number (days a week)"),
    ("days_per_week", "-1", "Days a week must be a whole number from 1 to 7 (got -1)"),
    ("days_per_week", "", "Fill in the days a week (from 1 to 7)"),
    ("minutes_per_session", "1e9", "Minutes a session must be a whole number from 1 to 240"),
    ("weeks", "abc", "Choose how many weeks to plan: 4, 6, 8 or 12 (got 'abc')"),
    ("weeks", "5", "Choose how many weeks to plan"),
])
def test_bad_profile_numbers_are_refused_never_replaced(client, field, value, expected):
    response = client.post("/profile", data={"csrf_token": token(client), **PROFILE, field: value})
    assert response.status_code == 422
    assert expected in text(response)
    assert client.app.state.store.load_profile() is None
    assert client.app.state.store.latest_plan() is None


def test_a_long_band_name_is_refused(client):
    form = {"csrf_token": token(client), **PROFILE, "equipment": ["resistance-band"], "dumbbell_kg": "",
            "bands": "light, " + "x" * 20_000}
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
