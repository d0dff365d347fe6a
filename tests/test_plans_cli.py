"""The plan commands end to end: profile, plan, session --preview and export-plan."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from icalendar import Calendar

from conftest import run_cli
from upperback.store import open_store


@pytest.fixture(autouse=True)
def own_database(tmp_path, monkeypatch):
    monkeypatch.delenv("UPPERBACK_DATABASE_URL", raising=False)
    monkeypatch.setenv("UPPERBACK_DATA_DIR", str(tmp_path / "data"))


def set_profile(capsys, *extra):
    code, out, err = run_cli(
        capsys,
        "profile",
        "-e",
        "dumbbells",
        "-e",
        "chair",
        "--dumbbell-kg",
        "4",
        "--dumbbell-kg",
        "6",
        "--dumbbell-kg",
        "8",
        "--level",
        "beginner",
        "--goal",
        "muscle",
        "--days",
        "3",
        "--minutes",
        "30",
        *extra,
    )
    assert code == 0, err
    return out


def test_profile_without_one_shows_defaults_and_how_to_set_it(capsys):
    code, out, _ = run_cli(capsys, "profile")
    assert code == 0 and "No profile yet" in out and "beginner" in out


def test_profile_options_are_saved_and_merged(capsys):
    set_profile(capsys)
    code, out, _ = run_cli(capsys, "profile", "--minutes", "40", "--avoid", "loaded-hinge")
    assert code == 0 and "Profile saved" in out
    with open_store() as store:
        saved = store.load_profile()
    assert saved["minutes_per_session"] == 40 and saved["avoid"] == ["loaded-hinge"]
    assert saved["dumbbell_kg"] == [4.0, 6.0, 8.0], "untouched fields are kept"


def test_changing_equipment_drops_weights_for_kit_no_longer_listed(capsys):
    set_profile(capsys)
    code, _, err = run_cli(capsys, "profile", "-e", "resistance-band")
    assert code == 0, err
    with open_store() as store:
        assert store.load_profile()["dumbbell_kg"] == []


def test_invalid_profile_is_refused_without_a_traceback(capsys):
    code, _, err = run_cli(capsys, "profile", "-e", "dumbbells")
    assert code == 1 and "--dumbbell-kg" in err and "Traceback" not in err


def test_interactive_profile(capsys, monkeypatch):
    answers = ["resistance-band, chair", "light, heavy", "intermediate", "posture", "4", "20", "yes", "-"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(answers) + "\n"))
    code, out, err = run_cli(capsys, "profile", "--interactive")
    assert code == 0, err
    with open_store() as store:
        saved = store.load_profile()
    assert saved["equipment"] == ["resistance-band", "chair"] and saved["bands"] == ["light", "heavy"]
    assert (saved["level"], saved["days_per_week"], saved["desk_worker"]) == ("intermediate", 4, True)


def test_plan_needs_a_profile(capsys):
    code, _, err = run_cli(capsys, "plan")
    assert code == 1 and "no profile yet" in err.lower()


def test_plan_prints_and_saves_the_programme(capsys):
    set_profile(capsys)
    code, out, err = run_cli(capsys, "plan", "--weeks", "6")
    assert code == 0, err
    assert "6-week plan" in out and "One-arm row with chair support" in out and "deload" in out
    with open_store() as store:
        _, document = store.latest_plan()
    assert len(document["weeks"]) == 6


def test_impossible_profile_explains_what_to_change(capsys):
    out = set_profile(capsys, "--minutes", "5")
    assert "no sound plan fits this profile yet" in out and "--minutes" in out
    code, _, err = run_cli(capsys, "plan")
    assert code == 1 and "--minutes" in err and "Traceback" not in err


def test_session_preview_shows_the_next_day(capsys):
    set_profile(capsys)
    run_cli(capsys, "plan", "--weeks", "2")
    code, out, err = run_cli(capsys, "session", "--preview")
    assert code == 0, err
    assert "Week 1, day 1" in out and "Side-lying open book" in out and "reps in reserve" in out


def test_export_plan_to_calendar_markdown_and_html(capsys, tmp_path):
    set_profile(capsys)
    ics = tmp_path / "plan.ics"
    code, _, err = run_cli(
        capsys, "export-plan", "-o", str(ics), "--weeks", "2", "--start", "2030-02-04", "--at", "06:45"
    )
    assert code == 0, err
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) == 6
    assert events[0].decoded("dtstart") == datetime(2030, 2, 4, 6, 45)
    assert events[-1].decoded("dtstart").date() == date(2030, 2, 15)
    for fmt, marker in (("md", "# Upper-back programme: 2 weeks"), ("html", "<!DOCTYPE html>")):
        target = tmp_path / f"plan.{fmt}"
        assert run_cli(capsys, "export-plan", "-o", str(target))[0] == 0
        assert marker in target.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-o", "plan.txt"), "Cannot tell the export format"),
        (("-o", "plan.ics", "--start", "next week"), "--start 'next week' is not valid"),
        (("-o", "plan.ics", "--at", "25:00"), "--at '25:00' is not valid"),
    ],
)
def test_export_plan_bad_options(capsys, tmp_path, monkeypatch, args, message):
    set_profile(capsys)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "export-plan", *args)
    assert code == 1 and message in err


def test_session_after_a_stop_offers_to_carry_on_with_the_same_day(capsys, monkeypatch):
    from rich.console import Console

    from upperback.plans.guided import GuidedSession
    from upperback.plans.models import Programme
    from upperback.plans.today import next_session

    set_profile(capsys)
    run_cli(capsys, "plan", "--weeks", "2")
    with open_store() as store:
        programme = Programme.model_validate(store.latest_plan()[1])
        first = next_session(programme, [])

        class StopAfterOneSet:
            answers = iter([""] * (1 + first.items[0].sets) + ["q"])

            def now(self):
                return 0.0

            def wait_for_enter(self, timeout_s):
                return True

            def ask(self, prompt):
                return next(self.answers)

        GuidedSession(first, store, StopAfterOneSet(), Console(file=io.StringIO())).run()
    monkeypatch.setattr("sys.stdin", io.StringIO("y\nq\n"))
    code, out, err = run_cli(capsys, "session")
    assert code == 0, err
    assert f"{first.title} stopped with" in out and "Carry on with it?" in out
    assert "Carrying on:" in out and "Run upperback session again to carry on where you stopped" in out
