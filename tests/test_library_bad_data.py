"""A broken library file gives an error that names the file, the field and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from upperback.errors import LibraryDataError
from upperback.library import load_library
from upperback.library.loader import DATA_DIR

ROW = Path("movements") / "bent-over-row.yaml"


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_packaged_copy_loads(data_copy):
    assert len(load_library(data_copy).movements) == 5


def test_missing_cue_names_file_and_field(data_copy):
    edit_yaml(data_copy / ROW, lambda d: d["faults"][2].pop("cue"))
    with pytest.raises(LibraryDataError) as info:
        load_library(data_copy)
    message = str(info.value)
    assert "bent-over-row.yaml" in message
    assert "faults[2].cue" in message
    assert "Field required" in message


def test_unknown_muscle_reference(data_copy):
    edit_yaml(data_copy / ROW, lambda d: d["muscles"][0].update(muscle="rhomboid"))
    with pytest.raises(LibraryDataError, match=r"muscles\[0\]\.muscle.*unknown muscle 'rhomboid'"):
        load_library(data_copy)


def test_fault_enforcing_unknown_cue(data_copy):
    edit_yaml(data_copy / ROW, lambda d: d["faults"][0].update(enforces="no-such-cue"))
    with pytest.raises(LibraryDataError, match="enforces unknown safety cue 'no-such-cue'"):
        load_library(data_copy)


def test_unenforced_safety_cue_must_be_coaching_only(data_copy):
    def add_cue(d):
        d["safety"].append({"id": "smile", "text": "Smile while you row."})

    edit_yaml(data_copy / ROW, add_cue)
    with pytest.raises(LibraryDataError, match="safety cue 'smile' is checked by no fault"):
        load_library(data_copy)


def test_bad_enum_value(data_copy):
    edit_yaml(data_copy / ROW, lambda d: d["variants"][0].update(level="expert"))
    with pytest.raises(LibraryDataError, match=r"variants\[0\]\.level"):
        load_library(data_copy)


def test_unexpected_field(data_copy):
    edit_yaml(data_copy / ROW, lambda d: d.update(colour="blue"))
    with pytest.raises(LibraryDataError, match="colour.*Extra inputs are not permitted"):
        load_library(data_copy)


def test_yaml_syntax_error_gives_line(data_copy):
    (data_copy / ROW).write_text("id: bent-over-row\nname: [unclosed\n")
    with pytest.raises(LibraryDataError, match=r"bent-over-row.yaml: not valid YAML at line \d+"):
        load_library(data_copy)


def test_file_name_must_match_id(data_copy):
    (data_copy / ROW).rename(data_copy / "movements" / "row.yaml")
    with pytest.raises(LibraryDataError, match="'id' is 'bent-over-row' but the file is named 'row.yaml'"):
        load_library(data_copy)


def test_duplicate_variant_id_across_movements(data_copy):
    fly = data_copy / "movements" / "reverse-fly.yaml"
    edit_yaml(fly, lambda d: d["variants"][0].update(id="one-arm-chair-supported"))
    with pytest.raises(LibraryDataError, match="variant id 'one-arm-chair-supported' is used by both"):
        load_library(data_copy)


def test_missing_anatomy_file(data_copy):
    (data_copy / "anatomy.yaml").unlink()
    with pytest.raises(LibraryDataError, match="anatomy.yaml: cannot read the file"):
        load_library(data_copy)


def test_top_level_not_a_mapping(data_copy):
    (data_copy / "faq.yaml").write_text("- just\n- a list\n")
    with pytest.raises(LibraryDataError, match="faq.yaml: expected a mapping"):
        load_library(data_copy)
