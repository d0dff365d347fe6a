"""End to end in real headless Chromium (Debian's chromium and chromedriver): a new user learns a
movement, builds a plan, logs a set and gets a form report on a video.

Screenshots go to test-artifacts/screenshots/ at the repository root, for a person to look at.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from conftest import CLIPS, clip_track, needs_media
from upperback.analysis import analyze
from upperback.library import get_library
from web_support import served

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
CLIP = "cat_cow_home_side.mp4"
LOGBOOK_SAMPLES = Path(__file__).parent / "data" / "logbook"
DESKTOP, PHONE = (1366, 768), (390, 844)
SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
ROW_CLIP = "row_dumbbell_gym_side.mp4"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()), reason="Debian's chromium and chromedriver are not installed"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app served by uvicorn on a free port, with its own data folder, analysing uploads."""
    with served(tmp_path_factory.mktemp("web-data"), run_jobs=True) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--autoplay-policy=no-user-gesture-required",
        "--mute-audio",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_window_size(*DESKTOP)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


DRAWN = """
const plots = [...document.querySelectorAll('.plotly-graph-div, [data-plotly]')];
return document.readyState === 'complete' && document.fonts.status === 'loaded'
    && plots.every(plot => plot.querySelector('.main-svg'));
"""
"""Script: true once the page, its fonts and every plotly chart on it are drawn."""


def drawn(driver) -> bool:
    """Whether the page and each frame in it (the embedded report) are drawn (:data:`DRAWN`)."""
    from selenium.webdriver.common.by import By

    if not driver.execute_script(DRAWN):
        return False
    for frame in driver.find_elements(By.TAG_NAME, "iframe"):
        driver.switch_to.frame(frame)
        try:
            if not driver.execute_script(DRAWN):
                return False
        finally:
            driver.switch_to.default_content()
    return True


def screenshot(driver, name: str) -> Path:
    """The whole page once drawn: the window is stretched to the page's height for the shot, then restored."""
    width, height = driver.get_window_size()["width"], driver.get_window_size()["height"]
    page_height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(page_height, height), 12000))
    wait_until(lambda: drawn(driver), what=f"the page of {name} to be drawn")
    # two animation frames: the layout after the resize is painted
    driver.execute_async_script("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));")
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(width, height)
    return path


def click(driver, element) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def wait_until(condition, timeout_s: float = 20.0, what: str = "the page"):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            found = condition()
        except Exception:  # an element swapped by htmx in the meantime: look again
            found = None
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_learn_a_movement_from_the_home_page(server, browser):
    from selenium.webdriver.common.by import By

    _, base = server
    movement = get_library().movement("bent-over-row")
    browser.set_window_size(*DESKTOP)
    browser.get(base + "/")
    screenshot(browser, "01-home")
    click(browser, browser.find_element(By.LINK_TEXT, "Open the library"))
    wait_until(lambda: browser.find_element(By.TAG_NAME, "h1").text == "Learn the movements")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".movement-card")) == len(get_library().movements)
    screenshot(browser, "02-library")
    click(browser, browser.find_element(By.LINK_TEXT, movement.name))
    wait_until(lambda: browser.find_element(By.TAG_NAME, "h1").text == movement.name)
    steps = browser.find_elements(By.CSS_SELECTOR, "#how .step-list li")
    assert [s.text.split("\n")[-1] for s in steps] == [s.text for s in movement.steps]
    targets = {u.muscle for u in movement.muscles if u.role.value == "target"}
    highlighted = {
        e.get_attribute("data-muscle")
        for e in browser.find_elements(By.CSS_SELECTOR, ".muscle-diagram path.role-target")
    }
    assert highlighted == targets
    screenshot(browser, "03-movement-bent-over-row")
    browser.set_window_size(*PHONE)
    browser.get(f"{base}/library/{movement.id}")
    screenshot(browser, "04-movement-phone")


def test_build_a_plan_and_log_a_set_on_a_phone(server, browser):
    from selenium.webdriver.common.by import By

    app, base = server
    browser.set_window_size(*PHONE)
    browser.get(base + "/")
    click(browser, browser.find_element(By.LINK_TEXT, "Set up my profile"))
    wait_until(lambda: browser.find_element(By.ID, "profile-form"))
    for equipment in ("dumbbells", "chair"):
        click(browser, browser.find_element(By.CSS_SELECTOR, f"input[name=equipment][value={equipment}]"))
    browser.find_element(By.NAME, "dumbbell_kg").send_keys("4, 6, 8")
    click(browser, browser.find_element(By.CSS_SELECTOR, "input[name=desk_worker]"))
    screenshot(browser, "05-profile-phone")
    click(browser, browser.find_element(By.CSS_SELECTOR, "#profile-form button[type=submit]"))
    wait_until(lambda: "/today" in browser.current_url, what="today's session")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Week 1, day 1"
    screenshot(browser, "06-today-phone")

    row = next(
        r
        for r in browser.find_elements(By.CSS_SELECTOR, "li.set-row")
        if r.find_elements(By.NAME, "reps") and r.find_elements(By.NAME, "rpe")
    )
    row_id = row.get_attribute("id")
    row.find_element(By.NAME, "reps").send_keys("12")
    click(browser, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    logged = wait_until(
        lambda: (
            "logged" in browser.find_element(By.ID, row_id).get_attribute("class")
            and browser.find_element(By.ID, row_id)
        ),
        what="the logged set",
    )
    assert "12 reps" in logged.text
    timer = browser.find_element(By.ID, "rest-timer")
    assert timer.is_displayed() and ":" in timer.find_element(By.CSS_SELECTOR, "[data-clock]").text
    screenshot(browser, "07-set-logged-phone")

    sets = app.state.store.sets()
    assert [(s.reps, s.source) for s in sets] == [(12, "session")]
    click(browser, browser.find_element(By.CSS_SELECTOR, "form.finish button"))
    wait_until(lambda: "/log" in browser.current_url, what="the log")
    assert "12 reps" in browser.find_element(By.CSS_SELECTOR, ".log-table").text
    screenshot(browser, "08-log-phone")
    browser.set_window_size(*DESKTOP)
    browser.get(base + "/programme")
    assert "✓ done" in browser.find_element(By.CSS_SELECTOR, ".calendar").text
    screenshot(browser, "09-programme")
    browser.get(base + "/progress")
    screenshot(browser, "10-progress")


def test_bring_history_from_strong_and_map_a_name_it_did_not_know(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    app, base = server
    before = app.state.store.count_sets()
    browser.set_window_size(*PHONE)
    browser.get(base + "/log")
    click(browser, browser.find_element(By.CSS_SELECTOR, "#import summary"))
    form = browser.find_element(By.CSS_SELECTOR, "#import form")
    Select(form.find_element(By.NAME, "format")).select_by_visible_text("Strong")
    form.find_element(By.NAME, "history").send_keys(str(LOGBOOK_SAMPLES / "strong_v6.csv"))
    screenshot(browser, "16-import-phone")
    click(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    outcome = wait_until(lambda: browser.find_element(By.ID, "import-outcome"), what="the import result")
    assert "Added 7 sets" in outcome.text and app.state.store.count_sets() == before + 7
    screenshot(browser, "17-imported-phone")

    names = browser.find_element(By.CSS_SELECTOR, "#names form")
    assert "Seated Row (Cable)" in names.text
    row = names.find_element(By.CSS_SELECTOR, 'select[aria-label="Count Seated Row (Cable) as"]')
    Select(row).select_by_visible_text("Chest-supported row")
    click(browser, names.find_element(By.CSS_SELECTOR, "button[value=chosen]"))
    wait_until(lambda: "mapped=1" in browser.current_url, what="the log after mapping")
    assert "1 logged set now counts" in browser.find_element(By.CSS_SELECTOR, ".alert-success").text
    seated = [s for s in app.state.store.sets() if s.exercise_name == "Seated Row (Cable)"]
    assert [(s.exercise_id, s.variant_id) for s in seated] == [("bent-over-row", "chest-supported-row")]


def test_a_file_that_is_not_a_video_gets_a_clear_page(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    _, base = server
    fake = tmp_path / "my_row.mp4"
    fake.write_text("not a video, just text\n" * 100)
    browser.set_window_size(*DESKTOP)
    browser.get(base + "/analyze")
    browser.find_element(By.ID, "video").send_keys(str(fake))
    click(browser, browser.find_element(By.CSS_SELECTOR, "form[data-upload] button[type=submit]"))
    heading = wait_until(
        lambda: (
            browser.find_element(By.TAG_NAME, "h1").text == "That did not work"
            and browser.find_element(By.CSS_SELECTOR, ".error-page")
        ),
        what="the error page",
    )
    assert "'my_row.mp4' is not a video file" in heading.text
    screenshot(browser, "11-upload-not-a-video")


@needs_media
def test_upload_a_clip_and_read_its_report(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    _, base = server
    expected = analyze(clip_track(CLIP), "cat-cow")
    clip = shutil.copy(CLIPS / CLIP, tmp_path / "my cat-cow.mp4")
    browser.set_window_size(*DESKTOP)
    browser.get(base + "/analyze")
    screenshot(browser, "12-analyse")
    browser.find_element(By.ID, "video").send_keys(str(clip))
    click(browser, browser.find_element(By.CSS_SELECTOR, "form[data-upload] button[type=submit]"))
    wait_until(lambda: "/analyses/" in browser.current_url, what="the job page")
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#job-progress progress"), what="progress")
    screenshot(browser, "13-analysing")
    summary = wait_until(lambda: browser.find_element(By.ID, "rep-summary"), timeout_s=300, what="the finished report")
    assert f"{expected.rep_count} rep" in summary.text
    assert browser.find_element(By.TAG_NAME, "h1").text == get_library().movement("cat-cow").name
    duration = wait_until(
        lambda: browser.execute_script(
            "const v = document.getElementById('report-video'); return v.readyState >= 1 && v.duration;"
        ),
        what="the annotated video to load",
    )
    assert duration == pytest.approx(expected.source.duration_s, abs=0.5)
    screenshot(browser, "14-report")
    browser.get(base + "/analyses")
    assert "my cat-cow.mp4" in browser.find_element(By.CSS_SELECTOR, ".job-table").text
    screenshot(browser, "15-history")


# --- the first hour, finding by finding (issue 17): each at both window sizes -------------------


@pytest.fixture
def fresh(tmp_path):
    """An app of its own (empty log, no profile), for a test that needs to start from nothing."""
    with served(tmp_path / "web-data", run_jobs=False) as running:
        yield running


def shot_name(name: str, size: tuple[int, int]) -> str:
    return f"{name}-{'phone' if size == PHONE else 'desktop'}"


def make_profile(browser, base: str, minutes: int | None = None) -> None:
    from selenium.webdriver.common.by import By

    browser.get(base + "/profile")
    for equipment in ("dumbbells", "chair"):
        click(browser, browser.find_element(By.CSS_SELECTOR, f"input[name=equipment][value={equipment}]"))
    browser.find_element(By.NAME, "dumbbell_kg").send_keys("4, 6, 8")
    if minutes is not None:
        box = browser.find_element(By.NAME, "minutes_per_session")
        box.clear()
        box.send_keys(str(minutes))
    click(browser, browser.find_element(By.CSS_SELECTOR, "#profile-form button[type=submit]"))
    wait_until(lambda: "/today" in browser.current_url, what="today's session")


def no_sideways_scroll(browser) -> bool:
    return browser.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


def field_error(browser, name: str, within=None):
    """The message shown beside the field ``name`` (the element its aria-describedby names)."""
    from selenium.webdriver.common.by import By

    field = (within or browser).find_element(By.NAME, name)
    assert field.get_attribute("aria-invalid") == "true"
    return field, browser.find_element(By.ID, field.get_attribute("aria-describedby"))


@SIZES
def test_a_bad_logged_set_comes_back_with_its_values_and_the_message_by_the_field(fresh, browser, size):
    from selenium.webdriver.common.by import By

    app, base = fresh
    browser.set_window_size(*size)
    browser.get(base + "/log")
    form = browser.find_element(By.CSS_SELECTOR, "#quick-log form")
    for name, value in (("reps", "-3"), ("load", "12,5"), ("rpe", "8"), ("notes", "left elbow sore")):
        form.find_element(By.NAME, name).send_keys(value)
    click(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    reps, message = wait_until(lambda: field_error(browser, "reps"), what="the message by the reps")
    assert reps.get_attribute("value") == "-3" and "from 0 to 10,000" in message.text
    assert message.is_displayed() and message.location["y"] - reps.location["y"] < 120  # beside it
    kept = {n: browser.find_element(By.NAME, n).get_attribute("value") for n in ("load", "rpe", "notes")}
    assert kept == {"load": "12,5", "rpe": "8", "notes": "left elbow sore"}
    assert "Error" not in browser.find_element(By.TAG_NAME, "h1").text and app.state.store.count_sets() == 0
    assert no_sideways_scroll(browser)
    screenshot(browser, shot_name("20-log-bad-reps", size))


@SIZES
def test_today_keeps_the_reps_when_the_weight_is_wrong_and_the_rest_timer_covers_nothing(fresh, browser, size):
    from selenium.webdriver.common.by import By

    _, base = fresh
    browser.set_window_size(*size)
    make_profile(browser, base)
    # the planned reps fit their box on a phone ("12–20", not "12–2")
    boxes = browser.find_elements(By.CSS_SELECTOR, "input[name=reps][placeholder]")
    cut = browser.execute_script(
        """
        const ctx = document.createElement('canvas').getContext('2d');
        return arguments[0].filter(i => {
          const style = getComputedStyle(i, '::placeholder');
          ctx.font = style.font;
          const room = i.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          return i.placeholder && ctx.measureText(i.placeholder).width > room;
        }).map(i => i.placeholder);""",
        boxes,
    )
    assert boxes and cut == []
    row = next(
        r
        for r in browser.find_elements(By.CSS_SELECTOR, "li.set-row")
        if r.find_elements(By.NAME, "load") and r.get_attribute("id").endswith("-1")
    )
    row_id = row.get_attribute("id")
    row.find_element(By.NAME, "reps").send_keys("12")
    weight = row.find_element(By.NAME, "load")
    weight.clear()
    weight.send_keys("six")
    click(browser, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    row = wait_until(
        lambda: (
            "has-error" in browser.find_element(By.ID, row_id).get_attribute("class")
            and browser.find_element(By.ID, row_id)
        ),
        what="the set with its message",
    )
    weight, message = field_error(browser, "load", row)
    assert row.find_element(By.NAME, "reps").get_attribute("value") == "12"
    assert weight.get_attribute("value") == "six" and "'six' is not a number" in message.text
    screenshot(browser, shot_name("21-today-bad-weight", size))

    weight.clear()
    weight.send_keys("6")
    click(browser, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    timer = wait_until(
        lambda: browser.find_element(By.ID, "rest-timer").is_displayed() and browser.find_element(By.ID, "rest-timer"),
        what="the rest timer",
    )
    time.sleep(0.3)
    rows = [r.get_attribute("id") for r in browser.find_elements(By.CSS_SELECTOR, "li.set-row")]
    following = browser.find_element(By.ID, rows[rows.index(row_id) + 1])
    button = following.find_element(By.CSS_SELECTOR, "button[type=submit]")
    assert browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();return r.top >= 0 && r.bottom <= innerHeight;", button
    ), "next set in sight"
    covered = """
        const bar = arguments[0].getBoundingClientRect();
        return [...document.querySelectorAll('button, input, select, a')].filter(c => {
          if (arguments[0].contains(c) || !c.offsetParent) return false;
          const r = c.getBoundingClientRect();
          return r.left < bar.right && r.right > bar.left && r.top < bar.bottom && r.bottom > bar.top;
        }).map(c => c.outerHTML.slice(0, 80));"""
    for scrolled in (0, 0.5, 1):  # wherever the page is scrolled to
        browser.execute_script(f"window.scrollTo(0, {scrolled} * document.documentElement.scrollHeight)")
        assert browser.execute_script(covered, timer) == [], "the rest timer covers no control"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", following)
    browser.save_screenshot(str(SCREENSHOTS / f"{shot_name('22-today-rest-timer', size)}.png"))


@SIZES
def test_profile_errors_sit_by_their_fields_in_plain_words_and_clear_of_the_save_bar(fresh, browser, size):
    from selenium.webdriver.common.by import By

    app, base = fresh
    browser.set_window_size(*size)
    browser.get(base + "/profile")
    click(browser, browser.find_element(By.CSS_SELECTOR, "input[name=equipment][value=dumbbells]"))
    browser.find_element(By.NAME, "kettlebell_kg").send_keys("8, 12")
    browser.execute_script(
        "document.querySelector('[name=days_per_week]').value = '9';"
        "document.getElementById('profile-form').noValidate = true;"
    )
    click(browser, browser.find_element(By.CSS_SELECTOR, "#profile-form button[type=submit]"))
    summary = wait_until(lambda: browser.find_element(By.ID, "profile-error"), what="the profile's errors")
    page = browser.find_element(By.TAG_NAME, "main").text
    for internal in ("days_per_week", "dumbbell_kg", "kettlebell_kg", "profile:", "Input should", "--"):
        assert internal not in page
    _, days = field_error(browser, "days_per_week")
    _, dumbbells = field_error(browser, "dumbbell_kg")
    _, kettlebells = field_error(browser, "kettlebell_kg")
    assert "from 1 to 7" in days.text and "Type the dumbbell weights" in dumbbells.text
    assert "did not tick Kettlebell" in kettlebells.text
    assert browser.find_element(By.NAME, "kettlebell_kg").get_attribute("value") == "8, 12"
    assert len(summary.find_elements(By.CSS_SELECTOR, "li a")) == 3 and app.state.store.load_profile() is None
    screenshot(browser, shot_name("23-profile-errors", size))
    for link in summary.find_elements(By.CSS_SELECTOR, "li a"):  # each link shows its field, uncovered
        click(browser, link)
        time.sleep(0.3)
        top, bottom, header, bar = browser.execute_script(
            "const f = document.querySelector(arguments[0]).getBoundingClientRect();"
            "const h = document.querySelector('.site-header').getBoundingClientRect();"
            "const b = document.querySelector('.sticky-actions').getBoundingClientRect();"
            "return [f.top, f.bottom, getComputedStyle(document.querySelector('.site-header')).position === 'sticky'"
            " ? h.bottom : 0, b.top];",
            link.get_attribute("hash"),
        )
        assert header <= top and bottom <= bar, link.get_attribute("hash")

    # the browser's own check scrolls an empty field into view above the sticky save bar
    browser.get(base + "/profile")
    browser.find_element(By.NAME, "minutes_per_session").clear()
    browser.execute_script("window.scrollTo(0, 0)")
    browser.find_element(By.CSS_SELECTOR, "#profile-form button[type=submit]").click()
    focused, field_bottom, bar_top = wait_until(
        lambda: browser.execute_script(
            "const f = document.activeElement; const b = document.querySelector('.sticky-actions');"
            "return f.name === 'minutes_per_session' && [f.name, f.getBoundingClientRect().bottom,"
            " b.getBoundingClientRect().top];"
        ),
        what="the empty field in focus",
    )
    assert field_bottom <= bar_top
    browser.save_screenshot(str(SCREENSHOTS / f"{shot_name('24-profile-required-field', size)}.png"))


@SIZES
def test_a_file_that_is_not_an_export_gets_a_short_message_on_the_log_page(fresh, browser, size, tmp_path):
    from selenium.webdriver.common.by import By

    app, base = fresh
    picture = tmp_path / "workouts.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    browser.set_window_size(*size)
    browser.get(base + "/log")
    click(browser, browser.find_element(By.CSS_SELECTOR, "#import summary"))
    form = browser.find_element(By.CSS_SELECTOR, "#import form")
    form.find_element(By.NAME, "history").send_keys(str(picture))
    click(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    message = wait_until(lambda: browser.find_element(By.ID, "import-error"), what="the import message")
    assert message.text.startswith("'workouts.csv' is not a CSV export from Strong, Hevy or FitNotes.")
    assert "--format" not in message.text and "columns" not in message.text and len(message.text) < 250
    card = browser.find_element(By.ID, "import")
    assert message.rect["x"] + message.rect["width"] <= card.rect["x"] + card.rect["width"]
    assert browser.find_element(By.CSS_SELECTOR, "#import input[name=history]").is_displayed()  # try again here
    assert no_sideways_scroll(browser) and app.state.store.count_sets() == 0
    screenshot(browser, shot_name("25-import-not-an-export", size))


@SIZES
def test_imported_notes_show_their_line_breaks(fresh, browser, size, tmp_path):
    from selenium.webdriver.common.by import By

    _, base = fresh
    lines = (LOGBOOK_SAMPLES / "hevy_kg.csv").read_text().splitlines()
    with_note = [lines[0], lines[1].replace(',"",0,', ',"Felt heavy\\nUse straps",0,', 1)]
    export = tmp_path / "hevy.csv"
    export.write_text("\n".join(with_note) + "\n")
    browser.set_window_size(*size)
    browser.get(base + "/log")
    click(browser, browser.find_element(By.CSS_SELECTOR, "#import summary"))
    form = browser.find_element(By.CSS_SELECTOR, "#import form")
    form.find_element(By.NAME, "history").send_keys(str(export))
    click(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait_until(lambda: browser.find_element(By.ID, "import-outcome"), what="the import result")
    browser.get(base + "/log")
    notes = browser.find_element(By.CSS_SELECTOR, ".log-table td[data-label=Notes]")
    assert "\\n" not in notes.text and notes.text.splitlines() == ["Felt heavy", "Use straps"]
    screenshot(browser, shot_name("26-log-notes", size))


@SIZES
def test_a_stopped_session_can_be_carried_on_from_today(fresh, browser, size):
    from selenium.webdriver.common.by import By

    app, base = fresh
    browser.set_window_size(*size)
    make_profile(browser, base)
    first = browser.find_element(By.TAG_NAME, "h1").text
    row = browser.find_element(By.CSS_SELECTOR, "li.set-row")
    click(browser, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))  # a warm-up round
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "li.set-row.logged"), what="the logged round")
    click(browser, browser.find_element(By.CSS_SELECTOR, "form.finish button"))
    wait_until(lambda: "/log" in browser.current_url, what="the log")
    browser.get(base + "/today")
    offer = browser.find_element(By.ID, "resume")
    assert f"{first} was stopped with" in offer.text and browser.find_element(By.TAG_NAME, "h1").text != first
    screenshot(browser, shot_name("27-today-resume-offer", size))
    click(browser, offer.find_element(By.CSS_SELECTOR, "button"))
    wait_until(lambda: browser.find_element(By.TAG_NAME, "h1").text == first, what="the stopped day again")
    assert len(browser.find_elements(By.CSS_SELECTOR, "li.set-row.logged")) == 1
    assert "in progress" in browser.find_element(By.CSS_SELECTOR, ".page-head").text
    assert not browser.find_elements(By.ID, "resume")
    sessions = app.state.store.sessions()
    assert len(sessions) == 1 and sessions[0].ended_at is None
    screenshot(browser, shot_name("28-today-resumed", size))


@SIZES
def test_the_plan_fills_the_minutes_or_says_why_and_the_open_book_names_its_muscles(fresh, browser, size):
    from selenium.webdriver.common.by import By

    _, base = fresh
    browser.set_window_size(*size)
    make_profile(browser, base, minutes=30)
    minutes = int(browser.find_element(By.CSS_SELECTOR, ".page-head .lead").text.split()[1])
    notes = [n.text for n in browser.find_elements(By.CSS_SELECTOR, "p.note")]
    assert minutes >= 25 or any(n.startswith(f"This session takes about {minutes} of your 30 minutes:") for n in notes)
    browser.get(base + "/library")
    card = next(c for c in browser.find_elements(By.CSS_SELECTOR, ".movement-card") if "open book" in c.text.lower())
    assert "Mainly trains: Core" not in card.text and "Middle trapezius" in card.text
    assert "thoracic rotation" in card.text
    screenshot(browser, shot_name("29-library", size))


@needs_media
def test_a_row_report_counts_fault_kinds_everywhere_and_stacks_on_a_phone(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    _, base = server
    expected = analyze(clip_track(ROW_CLIP), "bent-over-row")
    movement = get_library().movement("bent-over-row")
    kinds = {f.code for f in expected.faults} | {c for r in expected.reps for c in r.faults}
    browser.set_window_size(*DESKTOP)
    browser.get(base + "/analyze")
    browser.find_element(By.ID, "video").send_keys(str(shutil.copy(CLIPS / ROW_CLIP, tmp_path / "row.mp4")))
    click(browser, browser.find_element(By.CSS_SELECTOR, "form[data-upload] button[type=submit]"))
    wait_until(lambda: "/analyses/" in browser.current_url, what="the job page")
    headline = wait_until(
        lambda: browser.find_element(By.ID, "fault-headline"), timeout_s=300, what="the finished report"
    )
    assert headline.text.startswith(f"{len(kinds)} kind{'s' if len(kinds) != 1 else ''} of fault")
    for code in kinds:
        assert movement.fault(code).title in headline.text
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Recognised the movement as bent-over-row" not in page and "partial_range" not in page
    report_url = browser.current_url
    screenshot(browser, "30-report-row-desktop")
    browser.get(report_url.rstrip("/") + "/report.html")
    errors = {f.enforces for f in movement.faults if f.severity.value == "error" and f.code in kinds}
    broken = browser.find_elements(By.CSS_SELECTOR, "#safety li.broken")
    assert {b.get_attribute("id").removeprefix("safety-") for b in broken} == errors
    best = browser.find_element(By.CSS_SELECTOR, "#reps .tag.best").find_element(By.XPATH, "./ancestor::tr")
    best_faults = len(best.find_elements(By.CSS_SELECTOR, ".pill"))
    assert best_faults == min(
        len(r.find_elements(By.CSS_SELECTOR, ".pill")) for r in browser.find_elements(By.CSS_SELECTOR, "#reps tbody tr")
    )

    browser.set_window_size(*PHONE)
    browser.get(report_url)
    wait_until(lambda: browser.find_element(By.ID, "fault-headline"), what="the report on a phone")
    cells = browser.find_elements(By.CSS_SELECTOR, ".rep-table td")
    assert cells and all(c.rect["x"] + c.rect["width"] <= PHONE[0] for c in cells), "every column on screen"
    assert no_sideways_scroll(browser)
    screenshot(browser, "31-report-row-phone")
    browser.get(base + "/analyses")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, ".job-table tbody tr") if "row.mp4" in r.text)
    assert f"{expected.rep_count} reps · {len(kinds)} kind" in row.text
    assert all(movement.fault(code).title in row.text for code in kinds)
    reach = row.find_element(By.CSS_SELECTOR, ".fault-reach")
    # on screen, and wrapped under the badge (starting on the left half) rather than squeezed beside it
    assert reach.rect["x"] + reach.rect["width"] <= PHONE[0] and reach.rect["x"] < PHONE[0] / 2
    assert no_sideways_scroll(browser)
    screenshot(browser, "32-history-phone")
    browser.set_window_size(*DESKTOP)
    browser.get(base + "/analyses")
    screenshot(browser, "33-history-desktop")
