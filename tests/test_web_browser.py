"""End to end in real headless Chromium (Debian's chromium and chromedriver): a new user learns a
movement, builds a plan, logs a set and gets a form report on a video.

Screenshots go to test-artifacts/screenshots/ at the repository root, for a person to look at.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from web_support import served

from conftest import CLIPS, clip_track, needs_media
from upperback.analysis import analyze
from upperback.library import get_library

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
CLIP = "cat_cow_home_side.mp4"
LOGBOOK_SAMPLES = Path(__file__).parent / "data" / "logbook"
DESKTOP, PHONE = (1280, 900), (390, 844)

pytestmark = pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                                reason="Debian's chromium and chromedriver are not installed")


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
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars",
                     "--autoplay-policy=no-user-gesture-required", "--mute-audio"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_window_size(*DESKTOP)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def screenshot(driver, name: str, settle_s: float = 0.5) -> Path:
    """The whole page: the window is stretched to the page's height for the shot, then restored."""
    width, height = driver.get_window_size()["width"], driver.get_window_size()["height"]
    page_height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(page_height, height), 12000))
    time.sleep(settle_s)
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
    highlighted = {e.get_attribute("data-muscle")
                   for e in browser.find_elements(By.CSS_SELECTOR, ".muscle-diagram path.role-target")}
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

    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "li.set-row")
               if r.find_elements(By.NAME, "reps") and r.find_elements(By.NAME, "rpe"))
    row_id = row.get_attribute("id")
    row.find_element(By.NAME, "reps").send_keys("12")
    click(browser, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    logged = wait_until(lambda: "logged" in browser.find_element(By.ID, row_id).get_attribute("class")
                        and browser.find_element(By.ID, row_id), what="the logged set")
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
    browser.get(base + "/analyse")
    browser.find_element(By.ID, "video").send_keys(str(fake))
    click(browser, browser.find_element(By.CSS_SELECTOR, "form[data-upload] button[type=submit]"))
    heading = wait_until(lambda: browser.find_element(By.TAG_NAME, "h1").text == "That did not work"
                         and browser.find_element(By.CSS_SELECTOR, ".error-page"), what="the error page")
    assert "'my_row.mp4' is not a video file" in heading.text
    screenshot(browser, "11-upload-not-a-video")


@needs_media
def test_upload_a_clip_and_read_its_report(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    _, base = server
    expected = analyze(clip_track(CLIP), "cat-cow")
    clip = shutil.copy(CLIPS / CLIP, tmp_path / "my cat-cow.mp4")
    browser.set_window_size(*DESKTOP)
    browser.get(base + "/analyse")
    screenshot(browser, "12-analyse")
    browser.find_element(By.ID, "video").send_keys(str(clip))
    click(browser, browser.find_element(By.CSS_SELECTOR, "form[data-upload] button[type=submit]"))
    wait_until(lambda: "/analyses/" in browser.current_url, what="the job page")
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#job-progress progress"), what="progress")
    screenshot(browser, "13-analysing")
    summary = wait_until(lambda: browser.find_element(By.ID, "rep-summary"), timeout_s=300,
                         what="the finished report")
    assert f"{expected.rep_count} rep" in summary.text
    assert browser.find_element(By.TAG_NAME, "h1").text == get_library().movement("cat-cow").name
    duration = wait_until(lambda: browser.execute_script(
        "const v = document.getElementById('report-video'); return v.readyState >= 1 && v.duration;"),
        what="the annotated video to load")
    assert duration == pytest.approx(expected.source.duration_s, abs=0.5)
    screenshot(browser, "14-report", settle_s=4)  # the embedded report draws its plots
    browser.get(base + "/analyses")
    assert "my cat-cow.mp4" in browser.find_element(By.CSS_SELECTOR, ".job-table").text
    screenshot(browser, "15-history")
