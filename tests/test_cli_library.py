"""The library commands as a user runs them."""

from __future__ import annotations

import subprocess
import sys

from conftest import run_cli


def test_exercises_lists_all_five(capsys):
    code, out, _ = run_cli(capsys, "exercises")
    assert code == 0
    for movement_id in ("thoracic-rotation", "bent-over-row", "reverse-fly", "farmers-carry", "cat-cow"):
        assert movement_id in out


def test_exercises_by_equipment(capsys):
    code, out, _ = run_cli(capsys, "exercises", "--equipment", "resistance-band")
    assert code == 0
    assert "band-pull-apart" in out
    assert "barbell-bent-over-row" not in out


def test_exercises_by_muscle(capsys):
    code, out, _ = run_cli(capsys, "exercises", "--muscle", "rear-deltoid")
    assert code == 0 and "reverse-fly" in out and "cat-cow" not in out


def test_bent_over_row_card_is_complete(capsys):
    code, out, _ = run_cli(capsys, "exercise", "bent-over-row")
    assert code == 0
    for heading in (
        "Why do it",
        "Muscles",
        "How to do it",
        "Stay safe",
        "Variants",
        "Filming",
        "What the video check looks for",
        "Before you lift",
    ):
        assert heading in out, heading
    for text in (
        "Rhomboids",
        "one-arm-chair-supported",
        "torso_too_upright",
        "rounded_back",
        "checked on video",
        "coaching cue",
        "7.",
    ):
        assert text in out, text


def test_exercise_accepts_an_alias(capsys):
    code, out, _ = run_cli(capsys, "exercise", "Farmers Walk")
    assert code == 0 and "suitcase-carry" in out


def test_unknown_exercise_exits_2_with_suggestion(capsys):
    code, out, err = run_cli(capsys, "exercise", "bent-over-rwo")
    assert code == 2
    assert "Did you mean 'bent-over-row'" in err
    assert "Traceback" not in err + out


def test_muscles_table_and_card(capsys):
    code, out, _ = run_cli(capsys, "muscles")
    assert code == 0 and "trapezius-lower" in out
    code, out, _ = run_cli(capsys, "muscles", "rhomboids")
    assert code == 0 and "bent-over-row" not in out  # card shows names, not ids
    assert "Bent-over row (target)" in out


def test_muscles_accepts_an_action(capsys):
    code, out, _ = run_cli(capsys, "muscles", "scapular-depression")
    assert code == 0 and "farmers-carry" in out


def test_unknown_muscle_exits_2(capsys):
    code, _, err = run_cli(capsys, "muscles", "rhomboid")
    assert code == 2 and "Did you mean 'rhomboids'" in err


def test_faq_supplements(capsys):
    code, out, _ = run_cli(capsys, "faq", "supplements")
    assert code == 0 and "doctor" in out.lower()


def test_console_script_prints_no_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "upperback.cli", "exercise", "cat-moo"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Unknown exercise 'cat-moo'" in result.stderr
    assert "Traceback" not in result.stderr
