"""Numbers, units and set types typed into the Log, Today and Profile forms: read one way everywhere."""

from __future__ import annotations

import html

import pytest

from upperback.store import SetType, WeightUnit
from upperback.web import planning
from web_support import client_for, settings_for, token

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


def text(response) -> str:
    return html.unescape(response.text)


def test_a_decimal_comma_is_a_decimal_mark_in_every_form(client):
    store = client.app.state.store
    profile = {
        "csrf_token": token(client),
        **PROFILE,
        "equipment": ["dumbbells", "chair", "barbell"],
        "dumbbell_kg": "2,5, 5; 7,5",
        "barbell_kg": "7,5",
    }
    assert client.post("/profile", data=profile, follow_redirects=False).status_code == 303
    saved = store.load_profile()
    assert (saved["dumbbell_kg"], saved["barbell_kg"]) == ([2.5, 5.0, 7.5], 7.5)  # never [2, 5, 5, 7, 5]

    logged = client.post(
        "/log",
        data={"csrf_token": token(client), "exercise": "bent-over-row", "reps": "8", "load": "12,5", "rpe": "7,5"},
        follow_redirects=False,
    )
    assert logged.status_code == 303
    assert [(s.load, s.rpe) for s in store.sets()] == [(12.5, 7.5)]

    session = planning.saved_programme(store)[1].weeks[0].days[0].session
    item = next(i for i, it in enumerate(session.items) if it.hard and it.unit == "reps")
    today = {
        "csrf_token": token(client),
        "week": "1",
        "day": "1",
        "item": str(item),
        "set_number": "1",
        "reps": "10",
        "load": "2,5",
    }
    assert client.post("/today/sets", data=today, headers={"HX-Request": "true"}).status_code == 200
    assert sorted(s.load for s in store.sets()) == [2.5, 12.5]


def test_a_list_of_weights_run_together_is_refused_beside_its_field(client):
    response = client.post("/profile", data={"csrf_token": token(client), **PROFILE, "dumbbell_kg": "4,6,8"})
    assert response.status_code == 422
    assert "'4,6,8' is not one number (weight): put a space after each comma" in text(response)
    assert 'value="4,6,8"' in response.text  # kept as typed
    assert client.app.state.store.load_profile() is None


def test_the_set_page_counts_its_session_and_edits_take_only_known_units_and_kinds(client):
    store = client.app.state.store
    profile = client.post("/profile", data={"csrf_token": token(client), **PROFILE}, follow_redirects=False)
    assert profile.status_code == 303
    session = planning.saved_programme(store)[1].weeks[0].days[0].session
    items = [i for i, it in enumerate(session.items) if it.unit == "reps"][:2]
    for item in items:
        form = {
            "csrf_token": token(client),
            "week": "1",
            "day": "1",
            "item": str(item),
            "set_number": "1",
            "reps": "10",
        }
        assert client.post("/today/sets", data=form, headers={"HX-Request": "true"}).status_code == 200
    client.post("/log", data={"csrf_token": token(client), "exercise": "cat-cow", "reps": "5"})  # no session
    first = next(s for s in store.sets() if s.session_id is not None)
    page = client.get(f"/log/sets/{first.id}")
    assert "Delete the whole session (2 sets)" in text(page)

    edit = {"csrf_token": token(client), "reps": "9", "load": "20", "load_unit": "lb", "set_type": "drop"}
    assert client.post(f"/log/sets/{first.id}", data=edit, follow_redirects=False).status_code == 303
    edited = store.get_set(first.id)
    assert (edited.reps, edited.load, edited.load_unit, edited.set_type) == (9, 20.0, WeightUnit.LB, SetType.DROP)
    for field, value, message in (
        ("load_unit", "stone", "Choose kg or lb for the weight."),
        ("set_type", "giant", "Choose the kind of set"),
    ):
        refused = client.post(f"/log/sets/{first.id}", data={**edit, "reps": "3", field: value})
        assert refused.status_code == 400 and message in text(refused)
    assert store.get_set(first.id) == edited
