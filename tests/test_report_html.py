"""The HTML report: renders in headless Chromium with its plots, shows what the analysis found.

Screenshots are kept in test-artifacts/screenshots/ (repository root) for a person to look at.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from conftest import CLIPS, clip_track, needs_media, needs_wild_media, run_cli, wild_track
from upperback.analysis import Analysis, analyze, full_analysis
from upperback.evaluation.injections import raise_shoulders, rep_progress, tilt_torso
from upperback.form.report import FaultEvent, FormReport, Quality, Rep, SourceSummary
from upperback.kinematics.signals import body_signals
from upperback.library import get_library
from upperback.pose.npz import save_track
from upperback.report.fault_kinds import fault_kinds, headline, rep_list
from upperback.report.html import render_html_report, write_html_report

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ROW = "row_one_arm_chair_lowres.mp4"
GYM_ROW = "row_dumbbell_gym_side.mp4"

needs_chromium = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="Debian's chromium and chromedriver are not installed (/usr/bin)",
)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1200,900",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def open_page(driver, path: Path, width: int = 1200) -> None:
    driver.set_window_size(width, 900)
    driver.get(path.resolve().as_uri())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready = driver.execute_script(
            "const d=[...document.querySelectorAll('.plotly-graph-div')];"
            "return d.length > 0 && d.every(x => x.querySelector('.main-svg'));"
        )
        if ready:
            return
        time.sleep(0.2)
    raise AssertionError("plotly did not draw the plots within 20 s")


def screenshot(driver, name: str, width: int) -> Path:
    """A full-page screenshot kept in test-artifacts/screenshots/."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height + 40, 16000))
    # two animation frames: the layout after the resize is painted
    driver.execute_async_script("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    assert driver.save_screenshot(str(path))
    return path


def plot_facts(driver) -> list[dict]:
    return driver.execute_script(
        "return [...document.querySelectorAll('.plotly-graph-div')].map(d => {"
        " const r = d.getBoundingClientRect();"
        " return {id: d.id, width: r.width, height: r.height,"
        "   svgs: d.querySelectorAll('.main-svg').length, lines: d.querySelectorAll('.scatterlayer .trace').length};"
        "});"
    )


def severe_console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


# --- in the browser ------------------------------------------------------------------------------


@needs_media
@needs_chromium
@pytest.mark.media
def test_report_renders_its_plots_and_key_frames_in_chromium(browser, tmp_path):
    track = clip_track(GYM_ROW)
    page = write_html_report(full_analysis(track, "bent-over-row"), tmp_path / "row.html", CLIPS / GYM_ROW)
    html = page.read_text(encoding="utf-8")
    # offline: plotly.js is inline, once, and nothing is loaded from elsewhere
    assert len(re.findall(r"plotly\.js v\d", html)) == 1
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|<img[^>]+src=\"http", html)

    open_page(browser, page)
    plots = plot_facts(browser)
    assert [p["id"] for p in plots][:2] == ["plot-elbow_deg", "plot-torso_deg"]
    for plot in plots:
        assert plot["width"] > 300 and plot["height"] > 150 and plot["svgs"] >= 1 and plot["lines"] >= 1, plot
    images = browser.execute_script(
        "return [...document.querySelectorAll('#key-frames img')].map(i => [i.naturalWidth, i.complete]);"
    )
    assert len(images) == 2 and all(width > 100 and done for width, done in images)
    # every fault links to its safety rule, and the rule is on the page
    for link in browser.execute_script(
        "return [...document.querySelectorAll('.rule a')].map(a => a.getAttribute('href'));"
    ):
        assert browser.execute_script(f"return !!document.querySelector('{link}')")
    assert severe_console_errors(browser) == []
    wide = screenshot(browser, "report_row_gym_desktop.png", 1200)

    # a phone: one column, no sideways scrolling of the page itself
    open_page(browser, page, width=390)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400
    assert all(p["width"] > 250 for p in plot_facts(browser))
    phone = screenshot(browser, "report_row_gym_phone.png", 390)
    assert wide.stat().st_size > 50_000 and phone.stat().st_size > 50_000


@needs_media
@needs_chromium
@pytest.mark.media
def test_injected_faults_appear_on_the_page_and_in_the_plots(browser, tmp_path):
    clean = clip_track(ROW)
    clean_report = analyze(clean, "bent-over-row")
    faulty = tilt_torso(raise_shoulders(clean, 0.5, rep_progress(clean.times_s, clean_report.reps)), 35.0)
    analysis = full_analysis(faulty, "bent-over-row")
    assert "torso_too_upright" not in {f.code for f in clean_report.faults}
    movement = get_library().movement("bent-over-row")

    page = write_html_report(analysis, tmp_path / "faulty.html", CLIPS / ROW)
    open_page(browser, page)
    summary = browser.find_element("id", "summary").text
    for code in ("torso_too_upright", "shrugging"):
        fault = movement.fault(code)
        # named plainly, or as "Possible ..." where the evidence is moderate
        assert fault.title.lower() in summary.lower() and fault.cue in summary and fault.why_it_matters in summary
        rule = browser.find_element("id", f"safety-{fault.enforces}")
        # warnings are worth watching; only an error-severity fault breaks a safety rule
        assert "watch" in rule.get_attribute("class") and "broken" not in rule.text.lower()
    # the fault's lane in its signal's plot carries its name (legend) and spans its stretch
    legend = browser.execute_script(
        "return [...document.querySelectorAll('#plot-torso_deg .legendtext')].map(t => t.textContent);"
    )
    assert "Torso too upright" in legend
    table = browser.find_element("id", "reps").text
    assert "Torso too upright" in table and "Shrugging" in table
    assert severe_console_errors(browser) == []
    screenshot(browser, "report_row_injected_faults.png", 1200)


# --- without a browser ---------------------------------------------------------------------------


@needs_media
@pytest.mark.media
def test_landmark_input_gets_a_report_without_pictures(capsys, tmp_path):
    track_file = save_track(clip_track(ROW), tmp_path / "row.npz")
    out = tmp_path / "page" / "row.html"
    code, stdout, _ = run_cli(capsys, "analyze-landmarks", str(track_file), "-x", "bent-over-row", "--html", str(out))
    assert code == 0 and "Report page written" in stdout
    html = out.read_text(encoding="utf-8")
    assert "<img" not in html and "made from landmarks without the video" in html
    assert html.count('class="plotly-graph-div') >= 2
    assert [p.name for p in out.parent.iterdir()] == ["row.html"]  # no temporary file left


def _made_up(report: FormReport, track) -> Analysis:
    """A made-up report with the real track and signals it is drawn over."""
    return Analysis(report, track, body_signals(track))


def _report(reps: list[Rep], faults: list[FaultEvent], view: str = "side", **quality) -> FormReport:
    return FormReport(
        exercise="bent-over-row",
        source=SourceSummary(30.0, 300, 10.0, 640, 360, "x.mp4"),
        view=view,
        reps=reps,
        faults=faults,
        metrics={},
        quality=Quality(1.0, **quality),
    )


@needs_media
@pytest.mark.media
def test_filming_advice_appears_only_when_the_view_kept_checks_from_running():
    track = clip_track(ROW)
    movement = get_library().movement("bent-over-row")
    side = render_html_report(_made_up(_report([], []), track))
    skipped = ["torso_too_upright: cannot be judged from a front view; film from the side or oblique."]
    front = render_html_report(_made_up(_report([], [], view="front", skipped_checks=skipped), track))
    assert movement.camera.advice not in side
    assert movement.camera.advice in front
    assert "Torso too upright" in front.split('id="filming"')[1].split("</section>")[0]


@needs_media
def test_a_set_without_faults_has_no_worst_rep_only_a_smallest_one():
    """The underhand row has no fault: its rep with the least range is marked as the smallest,
    not the worst."""
    analysis = full_analysis(clip_track("row_dumbbell_underhand_home.mp4"), "bent-over-row")
    assert analysis.report.faults == [] and analysis.report.rep_count > 1
    page = render_html_report(analysis)
    assert 'class="tag smallest"' in page and 'class="tag worst"' not in page and 'class="tag best"' in page


@needs_wild_media
def test_checks_judged_on_another_shot_are_not_said_to_be_impossible():
    """The seated fly cuts from a side shot to a front one: the torso is judged on the side
    shot's reps, so the page must not list it among the checks the front view rules out."""
    analysis = full_analysis(wild_track("reverse_fly_seated_cut.mp4"), "reverse-fly")
    assert analysis.report.view == "front"
    assert all(r.metrics["torso_deg"] > 0 for r in analysis.report.reps[:2])  # judged there
    filming = render_html_report(analysis).split('id="filming"')[1].split("</section>")[0]
    assert "cannot be made" in filming and "Torso too upright" not in filming


def test_rep_lists_are_compressed_to_ranges():
    assert rep_list([1, 2, 3, 5]) == "reps 1–3, 5"
    assert rep_list([2]) == "rep 2"
    assert rep_list([1, 3, 4]) == "reps 1, 3–4"


def _rep(index: int, *faults: str) -> Rep:
    return Rep(index=index, start_s=2.0 * index, top_s=2.0 * index + 0.8, end_s=2.0 * index + 1.9, faults=list(faults))


def _event(code: str, severity: str, rep: int, confidence: float = 1.0) -> FaultEvent:
    return FaultEvent(
        code=code,
        severity=severity,
        rep=rep,
        start_s=2.0 * rep,
        end_s=2.0 * rep + 1,
        value=0.0,
        threshold=0.0,
        message="",
        cue="",
        confidence=confidence,
    )


SHORT_EVERYWHERE = _report(
    [
        _rep(0, "partial_range", "fast_lowering"),
        _rep(1, "partial_range"),
        _rep(2, "partial_range", "shrugging"),
        _rep(3, "partial_range", "rounded_back"),
    ],
    [_event("partial_range", "warning", i) for i in range(4)]
    + [_event("fast_lowering", "info", 0), _event("shrugging", "warning", 2), _event("rounded_back", "error", 3)],
)


def test_the_headline_counts_kinds_of_fault_and_the_reps_each_touched():
    kinds = fault_kinds(SHORT_EVERYWHERE, get_library().movement("bent-over-row"))
    assert headline(kinds, 4) == (
        "4 kinds of fault: Rounded back in 1 of 4 reps; Short range in all 4 reps; "
        "Shrugging in 1 of 4 reps; Lowering too fast in 1 of 4 reps"
    )
    assert [k.broken for k in kinds] == [True, False, False, False]


def test_a_fault_seen_only_with_moderate_confidence_is_worded_as_possible():
    movement = get_library().movement("bent-over-row")
    moderate = _report([_rep(0), _rep(1)], [_event("shrugging", "warning", i, confidence=0.5) for i in range(2)])
    assert headline(fault_kinds(moderate, movement), 2) == "1 kind of fault: Possible shrugging in both reps"
    mixed = _report(
        [_rep(0), _rep(1)],
        [_event("shrugging", "warning", 0, confidence=0.5), _event("shrugging", "warning", 1, confidence=0.9)],
    )
    assert headline(fault_kinds(mixed, movement), 2) == "1 kind of fault: Shrugging in both reps"


@needs_media
@needs_chromium
@pytest.mark.media
def test_only_errors_break_a_safety_rule_and_the_best_rep_has_the_fewest_mildest_faults(browser, tmp_path):
    page = write_html_report(_made_up(SHORT_EVERYWHERE, clip_track(ROW)), tmp_path / "made-up.html")
    open_page(browser, page)

    def texts(selector: str) -> list[str]:
        return browser.execute_script(
            f"return [...document.querySelectorAll('{selector}')].map(e => e.id || e.textContent.trim());"
        )

    assert browser.find_element("id", "headline").text.startswith("4 kinds of fault: Rounded back in 1 of 4 reps")
    assert texts("#safety li.broken") == ["safety-flat-back"]  # the rounded back, an error
    assert sorted(texts("#safety li.watch")) == [
        "safety-full-range",
        "safety-lower-slowly",
        "safety-mid-back-not-traps",
    ]
    assert browser.find_element("id", "safety").text.lower().count("broken in this set") == 1
    # rep 2 has one warning only, rep 4 the error
    assert texts("#reps tbody tr .tag") == ["best", "worst"]
    assert [t.split()[0] for t in texts("#reps tbody tr td:first-child") if "best" in t or "worst" in t] == [
        "2best",
        "4worst",
    ]
    open_page(browser, page, width=390)
    cells = browser.execute_script(
        "return [...document.querySelectorAll('#reps td')].map(c => c.getBoundingClientRect().right);"
    )
    assert max(cells) <= 390  # the rep table stacks into cards: every column on screen
    screenshot(browser, "report_rep_cards_phone.png", 390)


def test_the_terminal_summary_names_faults_and_counts_their_kinds():
    import io

    from rich.console import Console

    from upperback.report.terminal import report_summary

    console = Console(file=io.StringIO(), width=200)
    console.print(report_summary(SHORT_EVERYWHERE))
    out = console.file.getvalue()
    assert out.startswith("Bent-over row: 4 reps")
    assert "4 kinds of fault: Rounded back in 1 of 4 reps; Short range in all 4 reps" in out
    assert "• Shrugging (in 1 of 4 reps: rep 3)" in out
    for code in ("partial_range", "fast_lowering", "rounded_back", "bent-over-row"):
        assert code not in out


def test_the_stored_summary_counts_the_same_kinds_and_reps_as_the_report():
    from upperback.logbook.form_links import summarise_report
    from upperback.report.fault_kinds import summary_kinds

    movement = get_library().movement("bent-over-row")
    summary = summarise_report(SHORT_EVERYWHERE.to_dict())
    assert summary["fault_kinds"] == 4
    assert summary["faulty_reps"] == {"partial_range": 4, "fast_lowering": 1, "shrugging": 1, "rounded_back": 1}
    assert summary_kinds(summary, movement) == headline(fault_kinds(SHORT_EVERYWHERE, movement), 4).split(": ", 1)[
        1
    ].split("; ")


def test_skipped_checks_are_named_by_their_fault_title():
    from upperback.report.timeline import skipped_check_text

    movement = get_library().movement("reverse-fly")
    note = "arched_lower_back: the body's outline shows the spine's shape only when seen side-on."
    assert skipped_check_text(movement, note) == (
        "Arched lower back: the body's outline shows the spine's shape only when seen side-on."
    )
    assert (
        skipped_check_text(movement, "The video is too short: nothing judged.")
        == "The video is too short: nothing judged."
    )
