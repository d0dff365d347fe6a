"""Plan exports: iCalendar events read back with the icalendar package, Markdown and HTML."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from upperback.errors import UpperbackError
from upperback.plans.examples import EXAMPLE_PROFILES
from upperback.plans.export import default_start, to_html, to_ics, to_markdown, write_export
from upperback.plans.programme import build_programme

NOW = datetime(2030, 1, 6, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def programme():
    return build_programme(EXAMPLE_PROFILES["advanced-lifter"][1], 5, now=NOW)


def test_one_event_per_planned_day_at_the_chosen_time(programme):
    calendar = Calendar.from_ical(to_ics(programme, date(2030, 1, 7), time(7, 30)))
    events = calendar.walk("VEVENT")
    planned = programme.days()
    assert len(events) == len(planned) == 5 * 5
    for event, (week, day) in zip(events, planned, strict=True):
        start = event.decoded("dtstart")
        assert start == datetime(2030, 1, 7, 7, 30) + timedelta(days=7 * (week.number - 1) + day.offset_days)
        assert day.session.title.split(",")[0].lower() in str(event["summary"]).lower()
        for item in day.session.items:
            assert item.variant_name in str(event["description"])
    assert len({str(e["uid"]) for e in events}) == len(events)
    deload = [e for e in events if "deload" in str(e["summary"])]
    assert len(deload) == 4, "week 4 of an advanced block deloads; its four training days say so"


def test_event_length_covers_the_session(programme):
    calendar = Calendar.from_ical(to_ics(programme, date(2030, 1, 7)))
    for event, (_, day) in zip(calendar.walk("VEVENT"), programme.days(), strict=True):
        length = event.decoded("dtend") - event.decoded("dtstart")
        assert timedelta(seconds=day.session.seconds) <= length < timedelta(seconds=day.session.seconds + 300)


def test_default_start_is_the_next_monday():
    assert default_start(date(2030, 1, 9)) == date(2030, 1, 14)  # a Wednesday
    assert default_start(date(2030, 1, 7)) == date(2030, 1, 7)  # a Monday


def test_markdown_shows_weeks_sessions_reasons_and_sources(programme):
    text = to_markdown(programme)
    assert text.startswith("# Upper-back programme: 5 weeks")
    assert "| 4 | deload | 4 |" in text
    assert "Barbell bent-over row" in text and "Chest-supported row" in text
    assert "*variant*:" in text and "Schoenfeld" in text and "Bell et al. 2023" in text
    assert "\n\n\n" not in text
    assert to_markdown(programme, heading_level=3).startswith("### Upper-back programme")


def test_html_is_printable_and_escaped(programme):
    page = to_html(programme)
    assert "@media print" in page and "page-break-inside: avoid" in page
    assert "Farmer&#39;s carry" in page or "farmer&#39;s carry" in page
    assert "<h2>Sessions of week 1</h2>" in page


def test_write_export_is_atomic_and_checks_the_folder(programme, tmp_path):
    target = tmp_path / "plan.md"
    target.write_text("old plan")
    write_export(programme, "md", target)
    assert target.read_text().startswith("# Upper-back programme")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"], "no temporary file left behind"
    with pytest.raises(UpperbackError, match="does not exist"):
        write_export(programme, "md", tmp_path / "missing" / "plan.md")
