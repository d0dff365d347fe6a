"""The movement knowledge the analysis reads from the library (phase words, recognition terms,
set-end posture, doses, single-frame faults) is checked when the library loads, and the code
does what the data says."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import clip_manifest, clip_track, needs_media
from upperback.errors import LibraryDataError
from upperback.library import get_library, load_library
from upperback.library.loader import DATA_DIR

MOVEMENTS = Path("movements")


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_live_phase_words_must_be_phases_of_the_steps(data_copy):
    edit_yaml(
        data_copy / MOVEMENTS / "bent-over-row.yaml", lambda d: d["counting"]["step_phases"].update(working="heave")
    )
    with pytest.raises(LibraryDataError, match=r"step_phases.working 'heave' is no phase of the steps"):
        load_library(data_copy)


def test_counting_without_a_torso_gate_needs_a_standing_angle(data_copy):
    edit_yaml(data_copy / MOVEMENTS / "cat-cow.yaml", lambda d: d["counting"].pop("standing_torso_deg"))
    with pytest.raises(LibraryDataError, match=r"(?s)cat-cow.yaml.*counting.*standing_torso_deg"):
        load_library(data_copy)


def test_a_recognition_term_has_exactly_one_shape(data_copy):
    edit_yaml(data_copy / MOVEMENTS / "reverse-fly.yaml", lambda d: d["recognition"]["posture"][1].update(ramp=[0, 70]))
    with pytest.raises(LibraryDataError, match=r"(?s)recognition.posture\[1\].*exactly one of between, near, ramp"):
        load_library(data_copy)


def test_a_recognition_term_names_a_known_measure(data_copy):
    edit_yaml(
        data_copy / MOVEMENTS / "farmers-carry.yaml",
        lambda d: d["recognition"]["posture"][1].update(feature="torso_tilt"),
    )
    with pytest.raises(LibraryDataError, match=r"recognition.posture\[1\].feature"):
        load_library(data_copy)


def test_a_mobility_drill_needs_a_dose(data_copy):
    edit_yaml(data_copy / MOVEMENTS / "thoracic-rotation.yaml", lambda d: d.pop("dose"))
    with pytest.raises(LibraryDataError, match="needs a 'dose'"):
        load_library(data_copy)


def test_plans_dose_and_pace_mobility_drills_from_the_library():
    from upperback.plans.dose import ExerciseClass, mobility_dose, tempo_for

    for movement in get_library().movements:
        for variant in movement.variants:
            if movement.dose is not None:
                assert mobility_dose(movement.id, variant.id) == (variant.dose or movement.dose)
            if variant.tempo is not None:
                tempo = tempo_for(ExerciseClass.COMPOUND, variant.id)
                assert tempo is not None and (tempo.lift_s, tempo.hold_s, tempo.lower_s) == (
                    variant.tempo.lift_s,
                    variant.tempo.hold_s,
                    variant.tempo.lower_s,
                )


ONE_CLIP_PER_MOVEMENT = list({row["exercise"]: row for row in clip_manifest()}.values())


@needs_media
@pytest.mark.parametrize("row", ONE_CLIP_PER_MOVEMENT, ids=[r["exercise"] for r in ONE_CLIP_PER_MOVEMENT])
def test_the_single_frame_flag_decides_the_per_frame_faults(row):
    from upperback.analysis import frame_faults

    track = clip_track(row["file"])
    flags = frame_faults(track, row["exercise"])
    movement = get_library().movement(row["exercise"])
    assert set(flags) == {f.code for f in movement.faults if f.single_frame}
    for values in flags.values():
        assert len(values) == len(track)
        assert set(values[~np.isnan(values)].tolist()) <= {0.0, 1.0}  # 1, 0, or NaN where unknown


@needs_media
def test_a_fault_marked_single_frame_that_no_module_judges_is_a_clear_error(data_copy, monkeypatch):
    from upperback.analysis import frame_faults
    from upperback.errors import UpperbackError

    def mark(d):
        next(f for f in d["faults"] if f["code"] == "torso_swing")["single_frame"] = True

    edit_yaml(data_copy / MOVEMENTS / "bent-over-row.yaml", mark)
    monkeypatch.setenv("UPPERBACK_LIBRARY", str(data_copy))
    get_library.cache_clear()
    try:
        with pytest.raises(UpperbackError, match=r"torso_swing of 'bent-over-row' as judged on single frames"):
            frame_faults(clip_track("row_dumbbell_gym_side.mp4"), "bent-over-row")
    finally:
        monkeypatch.delenv("UPPERBACK_LIBRARY")
        get_library.cache_clear()


def test_a_missing_library_folder_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("UPPERBACK_LIBRARY", str(tmp_path / "nowhere"))
    get_library.cache_clear()
    try:
        with pytest.raises(LibraryDataError, match="UPPERBACK_LIBRARY=.*nowhere: no such folder"):
            get_library()
    finally:
        monkeypatch.delenv("UPPERBACK_LIBRARY")
        get_library.cache_clear()
