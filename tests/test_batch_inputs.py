"""Batch inputs: folder search, CSV manifests (client ids, relative paths, bad rows) and job keys."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import CLIPS, needs_media, run_cli
from upperback.batch import LocalEngine, discover_inputs, run_batch
from upperback.batch.keys import AnalysisSettings, file_sha256, job_key
from upperback.errors import UnknownNameError, UpperbackError


def touch(path: Path, content: bytes = b"not really a video") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_folders_are_searched_recursively_for_videos(tmp_path):
    top = touch(tmp_path / "in" / "b.mp4")
    nested = touch(tmp_path / "in" / "week 2" / "a.MOV")
    touch(tmp_path / "in" / "notes.txt")
    touch(tmp_path / "in" / "._b.mp4")  # macOS companion file
    touch(tmp_path / "in" / ".cache" / "c.mp4")
    touch(tmp_path / "in" / "out" / "results" / "annotated.mp4")  # the batch's own output

    found = discover_inputs([tmp_path / "in"], "auto", exclude=tmp_path / "in" / "out")

    assert [item.path for item in found] == [top.resolve(), nested.resolve()]
    assert {item.exercise for item in found} == {"auto"}


def test_the_same_video_named_twice_is_one_input(tmp_path):
    video = touch(tmp_path / "a.mp4")
    found = discover_inputs([video, tmp_path, tmp_path / "." / "a.mp4"], "cat-cow")
    assert len(found) == 1


def test_missing_inputs_and_empty_folders_are_all_reported(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UpperbackError) as error:
        discover_inputs([tmp_path / "nope.mp4", tmp_path / "empty"], "auto")
    assert "nope.mp4: no such file or folder" in error.value.message
    assert "no videos found in this folder" in error.value.message


def test_unknown_exercise_is_refused_before_anything_runs(tmp_path):
    with pytest.raises(UnknownNameError):
        discover_inputs([touch(tmp_path / "a.mp4")], "bent-over-rwo")


def test_manifest_paths_are_relative_to_the_manifest_and_rows_carry_client_ids(tmp_path):
    touch(tmp_path / "videos" / "anna.mp4")
    touch(tmp_path / "videos" / "ben.mp4")
    manifest = tmp_path / "lists" / "clients.csv"
    manifest.parent.mkdir()
    manifest.write_text(
        "Path,Exercise,Client_ID,notes\n../videos/anna.mp4,bent-over-row,anna,first session\n../videos/ben.mp4,,ben,\n"
    )

    found = discover_inputs([manifest], "auto")

    assert [(item.path.name, item.exercise, item.client_id) for item in found] == [
        ("anna.mp4", "bent-over-row", "anna"),
        ("ben.mp4", "auto", "ben"),
    ]


def test_bad_manifest_rows_are_reported_with_their_line_numbers(tmp_path):
    touch(tmp_path / "ok.mp4")
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "path,exercise,athlete\n"
        "ok.mp4,reverse-fly,x\n"
        '"missing\n.mp4",cat-cow,y\n'  # a quoted cell over two lines
        "ok.mp4,reverse-flye,z\n"
        ",cat-cow,w\n"
    )

    with pytest.raises(UpperbackError) as error:
        discover_inputs([manifest], "auto")

    message = error.value.message
    assert f"{manifest} line 4: " in message and "no such file" in message
    assert f"{manifest} line 5: " in message and "reverse-flye" in message
    assert f"{manifest} line 6: the 'path' cell is empty" in message
    assert "line 2" not in message


def test_a_manifest_without_a_path_column_says_what_it_needs(tmp_path, capsys):
    manifest = tmp_path / "landmarks.csv"
    manifest.write_text("nose_x,nose_y\n1,2\n")
    code, _, err = run_cli(capsys, "batch", str(manifest), "-x", "auto", "-o", str(tmp_path / "out"))
    assert code == 1
    assert "needs a 'path' column" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_job_keys_follow_content_and_settings_not_names(tmp_path):
    first = touch(tmp_path / "a.mp4", b"same bytes")
    renamed = touch(tmp_path / "elsewhere" / "b.mp4", b"same bytes")
    other = touch(tmp_path / "c.mp4", b"other bytes")
    row_10hz = AnalysisSettings("bent-over-row", 10.0)

    assert file_sha256(first) == file_sha256(renamed) != file_sha256(other)
    key = job_key(file_sha256(first), row_10hz)
    assert key == job_key(file_sha256(renamed), row_10hz)
    assert key != job_key(file_sha256(other), row_10hz)
    assert key != job_key(file_sha256(first), AnalysisSettings("bent-over-row", 15.0))
    assert key != job_key(file_sha256(first), AnalysisSettings("auto", 10.0))


@needs_media
def test_manifest_batch_keeps_client_ids_and_analyses_shared_videos_once(tmp_path):
    clip = CLIPS / "cat_cow_home_side.mp4"
    manifest = tmp_path / "clients.csv"
    relative = os.path.relpath(clip, manifest.parent)
    manifest.write_text(f"path,exercise,client_id\n{relative},cat-cow,anna\n{relative},cat-cow,ben\n{relative},,carl\n")
    inputs = discover_inputs([manifest], "auto")

    result = run_batch(inputs, tmp_path / "out", LocalEngine(workers=2))

    assert (result.analyzed, result.skipped, result.failed) == (2, 0, 0)  # cat-cow, and auto
    table = pq.read_table(tmp_path / "out" / "summary.parquet").to_pylist()
    assert [row["client_id"] for row in table] == ["anna", "ben", "carl"]
    assert [row["file"] for row in table] == [str(clip)] * 3
    assert table[0]["key"] == table[1]["key"] != table[2]["key"]
    assert {row["exercise"] for row in table} == {"cat-cow"}  # auto recognised it too
    assert [row["reps"] for row in table] == [table[0]["reps"]] * 3 and table[0]["reps"] >= 1


@needs_media
def test_a_renamed_copy_of_a_finished_video_is_not_analyzed_again(tmp_path):
    clip = CLIPS / "cat_cow_home_side.mp4"
    first = run_batch(discover_inputs([clip], "cat-cow"), tmp_path / "out", LocalEngine(workers=1))
    copy = shutil.copy(clip, tmp_path / "renamed.mp4")
    again = run_batch(discover_inputs([copy], "cat-cow"), tmp_path / "out", LocalEngine(workers=1))
    assert (first.analyzed, again.analyzed, again.skipped) == (1, 0, 1)
    assert again.rows[0]["file"] == str(Path(copy).resolve())
