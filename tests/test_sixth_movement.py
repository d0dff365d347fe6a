"""A sixth movement from one data file and one form module, with nothing else edited.

A temporary library (a copy of the packaged one plus ``dumbbell-shrug.yaml``) is selected with
``UPPERBACK_LIBRARY``; the shrug's form module is written beside it and imported, which
registers it. The shared shrug-control clip (deliberate standing shrugs) then goes through
``analyze()``, the per-frame faults, the JSON, HTML and terminal writers and the live engine.
"""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from rich.console import Console

from conftest import needs_wild_media, wild_track

MOVEMENT_ID = "dumbbell-shrug"
CLIP = "shrug_control_front.mp4"

SHRUG_YAML = """\
id: dumbbell-shrug
name: Dumbbell shrug
aliases: [shrug, shoulder shrug]
category: strength
loaded: true
summary: Standing tall with a dumbbell in each hand, you lift your shoulders toward your ears and lower them again.
purpose:
  - Builds the upper trapezius, the muscle that lifts and carries the shoulder girdle.
muscles:
  - {muscle: trapezius-upper, role: target}
  - {muscle: forearm-grip, role: stabiliser}
scapular_actions:
  - {action: scapular-elevation}
spinal_actions:
  - {action: neutral-spine-hold}
steps:
  - {phase: set-up, text: "Stand tall with a dumbbell in each hand, arms long at your sides."}
  - {phase: lift, text: "Lift both shoulders straight up toward your ears."}
  - {phase: lower, text: "Lower them slowly until the arms hang long again."}
safety:
  - {id: straight-arms, text: "Keep your arms straight; the shoulders lift the weight, not the elbows."}
  - {id: full-lift, text: "Lift the shoulders as high as they go on every rep."}
variants:
  - {id: two-dumbbell-shrug, name: Two-dumbbell shrug, kind: standard, level: beginner, difficulty: 1,
     needs: [{any_of: [dumbbells]}], summary: A dumbbell in each hand., why: Each side lifts its own weight.}
  - {id: band-shrug, name: Band shrug, kind: home-substitute, level: beginner, difficulty: 1,
     needs: [{any_of: [resistance-band]}], summary: Stand on a band and shrug its two ends., why: No weights needed.}
camera:
  preferred_view: front
  acceptable_views: [oblique]
  advice: Film from the front at chest height with your head and hands in the frame.
faults:
  - code: bent_elbows
    title: Bent elbows
    explanation: The elbows bend, so the arms pull the weight up instead of the shoulders.
    cue: Let your arms hang straight and lift with the shoulders only.
    why_it_matters: Bending the arms turns the shrug into a curl and takes the work off the trapezius.
    enforces: straight-arms
    severity: warning
    views: [front, oblique, side]
    single_frame: true
    signal: elbow_deg
    thresholds: {min_elbow_angle_deg: 90.0}   # a test limit: well short of a curl
  - code: small_shrug
    title: Small shrug
    explanation: The shoulders rise only a little.
    cue: Lift your shoulders all the way to your ears.
    why_it_matters: A short lift trains only part of the muscle's range.
    enforces: full-lift
    severity: info
    views: [front, oblique]
    signal: elevation_ratio
    thresholds: {min_elevation_drop_ratio: 0.02}   # a test limit: any visible lift passes
counting:
  signal: elevation_ratio   # ear-to-shoulder distance over torso length: it drops as the shoulders rise
  direction: -1
  min_depth: 0.1
  relative_depth: 0.4
  min_rep_s: 0.6
  max_rep_s: 12.0
  phase_words: {working: raising, turn: shrugged, returning: lowering}
  step_phases: {working: lift, returning: lower}
  standing_torso_deg: 90.0   # shrugs are done standing: only the set's other ends apply
"""

SHRUG_MODULE = '''\
"""Form analysis of the dumbbell shrug (a test's sixth movement)."""

import numpy as np

from upperback.form import FormModule, register
from upperback.form.common import (count_reps, finite_stat, frame_flags, make_rep, phase_metrics, plan_checks,
                                   rep_limit_faults, window)
from upperback.form.movement_result import MovementResult


def check(signals, movement):
    plan = plan_checks(movement, signals.view.view)
    counted = count_reps(signals, movement.counting)
    faults, reps = [], []
    for index, timing in enumerate(counted.timings):
        inside = window(signals.times_s, timing.start_s, timing.end_s)
        elevation = signals["elevation_ratio"][inside]
        metrics = {"elevation_drop_ratio": finite_stat(elevation, "max") - finite_stat(elevation, "min"),
                   "min_elbow_deg": finite_stat(signals["elbow_deg"][inside], "min"), **phase_metrics(timing)}
        rep_faults = rep_limit_faults(movement, plan.runnable, timing, index, [
            ("small_shrug", "min_elevation_drop_ratio", metrics["elevation_drop_ratio"], "min"),
            ("bent_elbows", "min_elbow_angle_deg", metrics["min_elbow_deg"], "min"),
        ])
        faults.extend(rep_faults)
        reps.append(make_rep(index, timing, metrics, rep_faults))
    return MovementResult(reps=reps, faults=faults, skipped=list(plan.skipped), notes=counted.notes,
                          shots=counted.shots)


def frame_faults(signals, movement):
    limit = movement.fault("bent_elbows").thresholds["min_elbow_angle_deg"]
    return {"bent_elbows": frame_flags(signals.raw["elbow_deg"], limit, "min")}


register(FormModule("dumbbell-shrug", check, frame_faults=frame_faults))
'''


@pytest.fixture
def sixth_movement(tmp_path, monkeypatch):
    """The temporary library selected and the shrug module registered; both undone afterwards."""
    from upperback import form
    from upperback.library import get_library
    from upperback.library.loader import DATA_DIR

    library = tmp_path / "library"
    shutil.copytree(DATA_DIR, library)
    (library / "movements" / f"{MOVEMENT_ID}.yaml").write_text(SHRUG_YAML, encoding="utf-8")
    module_path = tmp_path / "shrug_form.py"
    module_path.write_text(SHRUG_MODULE, encoding="utf-8")
    monkeypatch.setenv("UPPERBACK_LIBRARY", str(library))
    get_library.cache_clear()
    spec = importlib.util.spec_from_file_location("shrug_form", module_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "shrug_form", module)
    spec.loader.exec_module(module)
    yield get_library().movement(MOVEMENT_ID)
    form._REGISTERED.pop(MOVEMENT_ID, None)
    monkeypatch.delenv("UPPERBACK_LIBRARY")
    get_library.cache_clear()


def test_a_movement_in_the_library_without_a_form_module_is_a_clear_error(tmp_path, monkeypatch):
    from upperback.analysis import analyze
    from upperback.errors import UpperbackError
    from upperback.library import get_library
    from upperback.library.loader import DATA_DIR

    library = tmp_path / "library"
    shutil.copytree(DATA_DIR, library)
    (library / "movements" / f"{MOVEMENT_ID}.yaml").write_text(SHRUG_YAML, encoding="utf-8")
    monkeypatch.setenv("UPPERBACK_LIBRARY", str(library))
    get_library.cache_clear()
    try:
        assert get_library().movement(MOVEMENT_ID).name == "Dumbbell shrug"
        with pytest.raises(
            UpperbackError, match=r"Form analysis for 'dumbbell-shrug' is not available.*dumbbell_shrug"
        ):
            analyze("nothing.mp4", MOVEMENT_ID)
    finally:
        monkeypatch.delenv("UPPERBACK_LIBRARY")
        get_library.cache_clear()


@needs_wild_media
def test_sixth_movement_runs_through_analysis_reports_and_live(sixth_movement, tmp_path):
    import upperback.report
    from upperback.analysis import frame_faults, full_analysis
    from upperback.live import LiveSet
    from upperback.pose.track import BACK_PROFILE
    from upperback.report.html import write_html_report
    from upperback.report.json_io import write_report_json
    from upperback.report.key_signals import plotted_signals
    from upperback.report.terminal import report_summary

    movement = sixth_movement
    track = wild_track(CLIP)
    analysis = full_analysis(track, MOVEMENT_ID)
    report = analysis.report
    assert report.exercise == MOVEMENT_ID
    # the clip's manifest: deliberate shrugs, a third one starting before the fade
    assert report.rep_count >= 2
    assert all(rep.metrics["elevation_drop_ratio"] >= 0.1 for rep in report.reps)

    # the library's single_frame flag decides the per-frame faults, judged by the module
    per_frame = frame_faults(track, MOVEMENT_ID)
    assert list(per_frame) == ["bent_elbows"] and len(per_frame["bent_elbows"]) == len(track)

    # the report plots the counting signal first, then each fault's own signal from the data
    assert plotted_signals(movement, report.view)[:2] == ["elevation_ratio", "elbow_deg"]

    data = json.loads(write_report_json(report, tmp_path / "report.json").read_text())
    assert data["exercise"] == MOVEMENT_ID and data["rep_count"] == report.rep_count
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(
        data, json.loads((Path(upperback.report.__file__).parent / "schema" / "form_report.schema.json").read_text())
    )

    html = write_html_report(analysis, tmp_path / "report.html").read_text()
    assert "Dumbbell shrug" in html
    assert "raising, per rep" in html  # the movement's phase words, from its YAML
    assert "Shoulder height" in html  # the plotted key signal

    console = Console(file=io.StringIO(), width=200)
    console.print(report_summary(report))
    assert "Dumbbell shrug" in console.file.getvalue()

    live_set = LiveSet(MOVEMENT_ID, frame_size=(track.source.width, track.source.height))
    profiles = track.extras.get(BACK_PROFILE)
    states = []
    for i in range(len(track)):
        found = bool(track.detected[i])
        states.append(
            live_set.push(
                float(track.times_s[i]),
                track.image[i] if found else None,
                track.world[i] if found else None,
                track.visibility[i] if found else None,
                profiles[i] if profiles is not None and found else None,
            )
        )
    final = live_set.finish()
    assert final.reps == report.rep_count
    assert {s.phase_label for s in states} >= {"lift", "lower"}  # the steps' phases, from the YAML
