"""Reading Strong, Hevy and FitNotes exports (hand-made samples in each app's layout, tests/data/logbook)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from upperback.errors import UpperbackError
from upperback.logbook.csv_reader import parse_csv
from upperback.logbook.parsed import ReadOptions

SAMPLES = Path(__file__).parent / "data" / "logbook"
BERLIN = ZoneInfo("Europe/Berlin")


def read(name: str, fmt: str = "auto", **options):
    path = SAMPLES / name
    return parse_csv(path.read_text(encoding="utf-8"), path, fmt, ReadOptions(zone=BERLIN, **options))


@pytest.mark.parametrize(
    ("name", "app"),
    [
        ("strong_classic.csv", "strong"),
        ("strong_v6.csv", "strong"),
        ("strong_units_lbs.csv", "strong"),
        ("hevy_kg.csv", "hevy"),
        ("hevy_lbs.csv", "hevy"),
        ("fitnotes.csv", "fitnotes"),
        ("fitnotes_weight_unit.csv", "fitnotes"),
    ],
)
def test_the_app_is_recognised_from_the_header(name, app):
    assert read(name).format == app


def test_strong_classic_layout_set_types_units_and_workouts():
    export = read("strong_classic.csv")
    assert (export.rows_read, len(export.sets)) == (13, 13)
    rows = export.sets
    assert [s.set.set_type for s in rows[:4]] == ["warmup", "normal", "normal", "normal"]
    assert [s.set.set_type for s in rows[6:9]] == ["normal", "failure", "drop"]
    first = rows[0]
    assert first.started_at == datetime(2025, 1, 6, 18, 2, 11, tzinfo=BERLIN)
    assert (first.ended_at - first.started_at).total_seconds() == 62 * 60  # "1h 2m"
    fourth = rows[3].set
    assert (fourth.load, fourth.load_unit, fourth.reps, fourth.rpe) == (52.5, "kg", 7, 9.0)
    assert fourth.notes == "last rep slow"
    assert first.workout_notes == "Busy gym"
    carry = rows[9]
    assert (carry.set.load, carry.set.reps, carry.set.duration_s, carry.set.distance_m) == (24.0, None, 45.0, 40.0)
    plank = rows[11]
    assert (plank.set.load, plank.set.load_unit, plank.set.duration_s) == (None, None, 60.0)


def test_strong_without_a_unit_column_uses_the_unit_given():
    rows = read("strong_classic.csv", weight_unit="lb").sets
    assert (rows[1].set.load, rows[1].set.load_unit) == (50.0, "lb")
    assert rows[9].set.distance_m == pytest.approx(0.04 * 1609.344)  # miles go with pounds


def test_strong_6_layout_skips_rest_timers_and_notes_and_reads_decimal_commas():
    export = read("strong_v6.csv")
    assert (export.rows_read, export.rows_skipped, len(export.sets)) == (10, 3, 7)
    assert [s.line for s in export.sets] == [2, 3, 5, 7, 9, 10, 11]
    row = export.sets[1]
    assert (row.set.load, row.set.load_unit, row.set.rpe) == (22.5, "kg", 8.0)
    assert export.sets[2].set.rpe == 8.5
    carry = export.sets[3]
    assert (carry.set.distance_m, carry.set.duration_s) == (40.0, 50.0)  # "Distance (meters)"
    assert (carry.ended_at - carry.started_at).total_seconds() == 3300  # "Duration (sec)"


def test_strong_unit_columns_pounds_miles_and_a_12_hour_clock():
    rows = read("strong_units_lbs.csv").sets
    assert rows[0].started_at == datetime(2024, 10, 14, 18, 5, tzinfo=BERLIN)
    assert rows[3].started_at == datetime(2024, 10, 15, 7, 10, tzinfo=BERLIN)
    assert (rows[0].set.load, rows[0].set.load_unit) == (115.0, "lb")
    assert rows[1].set.rpe == 8.5
    assert rows[2].set.distance_m == pytest.approx(0.03 * 1609.344)
    assert rows[3].set.load == 12.5
    assert (rows[3].ended_at - rows[3].started_at).total_seconds() == 25 * 60


def test_hevy_metric_set_types_and_times():
    rows = read("hevy_kg.csv").sets
    assert [s.set.set_type for s in rows[:4]] == ["warmup", "normal", "failure", "drop"]
    assert rows[0].started_at == datetime(2026, 1, 5, 17, 0, tzinfo=BERLIN)
    assert rows[0].ended_at == datetime(2026, 1, 5, 18, 5, tzinfo=BERLIN)
    assert rows[0].workout_notes == "Felt good"
    assert rows[4].set.notes == "rope, slow"
    assert (rows[5].set.distance_m, rows[5].set.duration_s, rows[5].set.load) == (50.0, 60.0, 30.0)
    assert (rows[6].set.reps, rows[6].set.load, rows[6].set.duration_s) == (None, None, 75.0)


def test_hevy_imperial_keeps_pounds_and_converts_miles():
    rows = read("hevy_lbs.csv").sets
    assert (rows[0].set.load, rows[0].set.load_unit, rows[0].set.rpe) == (15.0, "lb", 7.0)
    assert rows[2].set.distance_m == pytest.approx(1.5 * 1609.344)


def test_fitnotes_both_weight_layouts_times_and_distances():
    rows = read("fitnotes.csv").sets
    assert rows[0].started_at == datetime(2024, 6, 1, tzinfo=BERLIN)
    assert (rows[1].set.load, rows[1].set.load_unit, rows[1].set.notes) == (22.5, "kg", "Straps on the last set")
    assert rows[3].set.duration_s == 90.0  # 0:01:30
    assert (rows[4].set.distance_m, rows[4].set.duration_s) == (5000.0, 28 * 60)
    newer = read("fitnotes_weight_unit.csv").sets
    assert (newer[0].set.load, newer[0].set.load_unit) == (135.0, "lb")
    assert (newer[2].set.distance_m, newer[2].set.duration_s) == (30.0, 45.0)


def test_malformed_rows_are_all_reported_with_their_line_numbers(tmp_path):
    lines = (SAMPLES / "strong_classic.csv").read_text().splitlines()
    lines[3] = lines[3].replace(",50,9,", ",fifty,9,")  # line 4: weight not a number
    lines[6] = lines[6].replace("2025-01-06 18:02:11", "06/01/2025 6pm")  # line 7: unreadable date
    lines[8] = lines[8].replace(",F,", ",X,")  # line 9: unknown set order
    lines[10] = lines[10] + ",extra"  # line 11: one field too many
    lines[12] = lines[12].replace(",0,0,60,", ",0,-3,60,")  # line 13: negative distance
    path = tmp_path / "broken.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(UpperbackError) as error:
        parse_csv(path.read_text(), path, "auto", ReadOptions(zone=BERLIN))
    message = error.value.message
    assert "5 row(s)" in message and "nothing was imported" in message
    for line, phrase in [
        (4, "Weight 'fifty'"),
        (7, "Date '06/01/2025 6pm'"),
        (9, "Set Order 'X'"),
        (11, "13 fields where the header has 12"),
        (13, "distance must be a number from 0 to 1,000,000 m (got -3,000)"),
    ]:
        assert f"line {line}: {phrase}" in message


def test_a_quoted_field_spanning_lines_keeps_the_right_line_numbers(tmp_path):
    text = (SAMPLES / "hevy_kg.csv").read_text().replace('"rope, slow"', '"rope,\nslow"')
    text = text.replace(',"normal",30,', ',"normal",thirty,')
    path = tmp_path / "hevy.csv"
    path.write_text(text)
    with pytest.raises(UpperbackError, match=r"line 8: weight_kg 'thirty'"):
        parse_csv(text, path, "auto", ReadOptions(zone=BERLIN))


def test_a_wrong_or_unknown_format_is_refused_with_a_hint(tmp_path):
    with pytest.raises(UpperbackError, match="looks like a hevy export"):
        read("hevy_kg.csv", "strong")
    path = tmp_path / "other.csv"
    path.write_text("when,what,how much\n2025-01-01,rowing,3\n")
    with pytest.raises(UpperbackError, match="does not look like a Strong, Hevy or FitNotes export"):
        parse_csv(path.read_text(), path, "auto", ReadOptions(zone=BERLIN))


def test_strong_6_in_pounds_past_midnight_with_named_set_types_and_multi_line_notes():
    export = read("strong_v6_lbs_late.csv")
    assert (export.rows_read, export.rows_skipped, len(export.sets)) == (6, 1, 5)
    assert export.weight_source.unit == "lb"
    rows = export.sets
    assert [s.set.set_type for s in rows] == ["warmup", "normal", "failure", "drop", "normal"]
    first = rows[0]
    assert first.started_at == datetime(2025, 3, 7, 23, 40, tzinfo=BERLIN)  # 11:40:00\u202fPM
    assert first.ended_at == datetime(2025, 3, 8, 0, 40, tzinfo=BERLIN)  # past midnight, same workout
    assert {s.workout_key for s in rows} == {first.workout_key}
    assert (first.workout_name, first.set.exercise_name) == ("Late Pull", "Bent Over Row (Barbell)")
    second = rows[1].set
    assert (second.load, second.load_unit, second.rpe, second.notes) == (135.0, "lb", 8.0, "Belt on,\nstraps off")
    assert (rows[4].set.distance_m, rows[4].set.duration_s) == (40.0, 45.0)


def test_fitnotes_names_with_an_unquoted_comma_are_recovered_from_the_right():
    rows = read("fitnotes_comma_in_name.csv").sets
    assert [s.set.exercise_name for s in rows] == ["Curl, Hammer (Dumbbell)"] * 2 + ["Dumbbell Row"]
    assert [(s.set.load, s.set.reps) for s in rows] == [(12.5, 10), (12.5, 9), (24.0, 10)]
    assert rows[1].set.notes == "tired, grip"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jun 11, 2026, 1:01 PM", datetime(2026, 6, 11, 13, 1)),  # Hevy, US locale
        ("5 Jan 2026, 17:00", datetime(2026, 1, 5, 17, 0)),  # Hevy elsewhere
        ("2024-03-05 7:30:00\u202fpm", datetime(2024, 3, 5, 19, 30)),  # Strong, 12-hour phone
        ("2024-06-01", datetime(2024, 6, 1)),  # FitNotes
        ("11. März 2024, 18:00", datetime(2024, 3, 11, 18, 0)),  # an app set to German
        ("5 févr. 2025, 17:00", datetime(2025, 2, 5, 17, 0)),  # ... French
        ("3 dic 2023, 11:11", datetime(2023, 12, 3, 11, 11)),  # ... Spanish
        ("7 Jun 2024, 7:30 p.m.", datetime(2024, 6, 7, 19, 30)),
    ],
)
def test_dates_are_read_in_each_apps_locale_layouts(text, expected):
    from upperback.logbook.values import local_datetime

    assert local_datetime(text, BERLIN) == expected.replace(tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "not a date with a year"),
        ("05/03/2024", "day/month or month/day"),
        ("2024-02-31 10:00", "importer can read"),
        ("2024-03-05 18:30:00 S", "importer can read"),  # a stray letter, not a time zone
    ],
)
def test_unreadable_or_ambiguous_dates_say_why(text, message):
    from upperback.logbook.values import ValueProblem, local_datetime

    with pytest.raises(ValueProblem, match=message):
        local_datetime(text, BERLIN)


@pytest.mark.parametrize(
    "garbage",
    [
        'Date,Exercise,Category,Weight (kgs),Reps\n2024-01-01,Row,Back,"12,5\n',  # unterminated quote
        "title,start_time,exercise_title,set_type\n\x00\x00\n",  # binary
        "Date,Exercise Name,Set Order\n2024-01-01,Row,1\n2024-01-01\n",  # short row
        "Date;Exercise Name;Set Order;Weight;Weight Unit\n2024-01-01;Row;1;20;furlongs\n",  # unknown unit
        "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit\n2024-01-01,Run,Cardio,,,,3,kg\n",
        "a,b,c\n1,2,3\n",
        "\n\n",
        "Date,Exercise Name,Set Order\n",
    ],
)
def test_broken_files_give_a_message_never_a_traceback(tmp_path, garbage):
    path = tmp_path / "broken.csv"
    path.write_text(garbage)
    try:
        export = parse_csv(garbage, path, "auto", ReadOptions(zone=BERLIN))
    except UpperbackError as error:
        assert str(path) in error.message
    else:
        assert export.sets == []


@settings(max_examples=300, deadline=None)
@given(
    sample=st.sampled_from(
        [
            "strong_classic.csv",
            "strong_v6.csv",
            "hevy_kg.csv",
            "fitnotes.csv",
            "fitnotes_weight_unit.csv",
            "strong_units_lbs.csv",
        ]
    ),
    cut=st.integers(0, 2000),
    noise=st.text(max_size=40),
)
def test_any_damage_to_a_real_layout_gives_a_message_never_a_traceback(tmp_path_factory, sample, cut, noise):
    text = (SAMPLES / sample).read_text(encoding="utf-8")
    header, body = text.split("\n", 1)
    damaged = header + "\n" + body[: cut % (len(body) + 1)] + noise + body[cut % (len(body) + 1) :]
    path = tmp_path_factory.mktemp("damaged") / sample
    try:
        parse_csv(damaged, path, "auto", ReadOptions(zone=BERLIN))
    except UpperbackError as error:
        assert str(path) in error.message


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (("05/03/2024 18:00", "28/03/2024 18:00"), datetime(2024, 3, 5, 18)),  # 28/03 says the day comes first
        (("05/03/2024 18:00", "03/28/2024 18:00"), datetime(2024, 5, 3, 18)),  # 03/28 says the month does
    ],
)
def test_numeric_dates_a_spreadsheet_wrote_are_read_in_the_order_the_file_shows(tmp_path, dates, expected):
    text = "Date,Exercise,Category,Weight (kgs),Reps\n" + "".join(f"{d},Row,Back,20,10\n" for d in dates)
    path = tmp_path / "resaved.csv"
    assert parse_csv(text, path, "auto", ReadOptions(zone=BERLIN)).sets[0].started_at == expected.replace(tzinfo=BERLIN)


def test_a_spreadsheets_unicode_text_save_reads_like_the_original():
    from upperback.logbook.csv_reader import decode

    original = (SAMPLES / "hevy_kg.csv").read_text(encoding="utf-8")
    resaved = decode(original.replace(",", "\t").encode("utf-16"), SAMPLES / "hevy_kg.csv")
    path = SAMPLES / "hevy_kg.csv"
    assert [s.set.load for s in parse_csv(resaved, path, "auto", ReadOptions(zone=BERLIN)).sets] == [
        s.set.load for s in read("hevy_kg.csv").sets
    ]


def test_a_date_with_a_huge_number_in_it_is_refused_by_name():
    # found by the fuzz test above: dateutil's Decimal arithmetic raised on this
    from upperback.logbook.values import ValueProblem, local_datetime

    with pytest.raises(ValueProblem, match="is not a date this importer can read"):
        local_datetime("2024-03-05 18:10000000000000000000000000005", ZoneInfo("Europe/Berlin"), "Date")
