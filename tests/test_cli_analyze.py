"""``upperback analyze`` with every output, as a user runs it: one pose pass feeds all three."""

from __future__ import annotations

import json

import av

from conftest import CLIPS, WILD_CLIPS, clip_track, needs_media, needs_wild_media, run_cli
from upperback.analysis import analyze

CLIP = CLIPS / "cat_cow_home_side.mp4"


@needs_media
def test_analyze_writes_the_report_page_video_and_json_of_one_analysis(capsys, tmp_path):
    page, video, report_json = tmp_path / "report.html", tmp_path / "annotated.mp4", tmp_path / "report.json"
    code, out, err = run_cli(
        capsys,
        "analyze",
        str(CLIP),
        "-x",
        "cat-cow",
        "--html",
        str(page),
        "--video-out",
        str(video),
        "--json",
        str(report_json),
    )
    assert code == 0, err
    for path in (page, video, report_json):
        assert path.is_file() and path.stat().st_size > 0
        assert str(path.name) in out
    written = json.loads(report_json.read_text())
    expected = analyze(clip_track(CLIP.name), "cat-cow").to_dict()
    assert written["exercise"] == expected["exercise"] == "cat-cow"
    assert len(written["reps"]) == len(expected["reps"]) == 1
    assert "<html" in page.read_text()[:2000].lower()
    with av.open(str(video)) as container:
        assert sum(1 for _ in container.decode(video=0)) > 150


@needs_media
def test_a_mistyped_exercise_fails_before_the_video_is_read(capsys, tmp_path):
    code, _, err = run_cli(capsys, "analyze", str(CLIP), "-x", "cat-cwo", "--json", str(tmp_path / "r.json"))
    assert code != 0
    assert "Did you mean 'cat-cow'" in " ".join(err.split())
    assert "Analysing" not in err and not (tmp_path / "r.json").exists()


@needs_wild_media
def test_a_variant_id_is_analyzed_with_its_own_thresholds(capsys, tmp_path):
    report_json = tmp_path / "report.json"
    code, out, err = run_cli(
        capsys,
        "analyze",
        str(WILD_CLIPS / "row_barbell_1080p.mp4"),
        "-x",
        "barbell-bent-over-row",
        "--json",
        str(report_json),
        "--html",
        str(tmp_path / "report.html"),
    )
    assert code == 0, err
    written = json.loads(report_json.read_text())
    assert (written["exercise"], written["variant"]) == ("bent-over-row", "barbell-bent-over-row")
    assert written["rep_count"] == 2  # the clip's manifest: 2 reps
    # the reports name the variant analysed and say where the camera stood in words
    assert "Barbell bent-over row: 2 reps" in out and "filmed from a diagonal (oblique)" in " ".join(out.split())
    assert "<h1>Barbell bent-over row</h1>" in (tmp_path / "report.html").read_text()
