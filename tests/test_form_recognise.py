"""``--exercise auto`` recognises the movement of every shared clip."""

from __future__ import annotations

import pytest

from conftest import clip_manifest, clip_track, needs_media, needs_wild_media, wild_track
from upperback.analysis import analyze
from upperback.errors import UpperbackError
from upperback.form.recognise import recognise
from upperback.kinematics.signals import body_signals

CLIPS = clip_manifest()


@needs_media
@pytest.mark.parametrize("row", CLIPS, ids=[r["file"] for r in CLIPS])
def test_recognises_the_manifest_exercise(row):
    found = recognise(body_signals(clip_track(row["file"])))
    assert found.exercise == row["exercise"], found.scores
    # the negative control is a hinged hold: analysed as a row (0 reps), flagged as not clear-cut
    assert found.clear == (row["variant"] != "negative control")


@needs_media
def test_auto_analysis_notes_what_it_recognised():
    report = analyze(clip_track("reverse_fly_chest_supported.mp4"), "auto")
    assert report.exercise == "reverse-fly"
    assert any("recognised the movement as the bent-over reverse fly" in w.lower() for w in report.quality.warnings)


@needs_media
def test_auto_on_the_negative_control_counts_no_reps():
    report = analyze(clip_track("not_a_row_scapular_squeeze.mp4"), "auto")
    assert report.exercise == "bent-over-row" and report.rep_count == 0
    assert any("not clear-cut" in w for w in report.quality.warnings)


@needs_wild_media
def test_a_movement_like_none_of_them_is_not_given_made_up_closest_guesses():
    """Shrugs on the spot match none of the five movements (every score 0): the error says so
    rather than naming two movements as 'closest'."""
    with pytest.raises(UpperbackError) as raised:
        analyze(wild_track("shrug_control_front.mp4"), "auto")
    message = str(raised.value)
    assert "none of the movements upperback checks" in message and "closest" not in message
