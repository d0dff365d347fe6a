"""The live page end to end in headless Chromium with a fake camera playing a shared clip: it counts
the row's reps, shows a cue, ends the set and logs it in one tap.

Screenshots go to test-artifacts/screenshots/ at the repository root, for a person to look at.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest

from conftest import CLIPS, clip_track, needs_media
from upperback.analysis import analyze
from web_support import served

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
CLIP = "row_dumbbell_gym_side.mp4"
CAMERA_SIZE = (640, 360)

pytestmark = [
    needs_media,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()), reason="Debian's chromium and chromedriver are not installed"
    ),
]


def write_y4m(source: Path, path: Path, size: tuple[int, int]) -> Path:
    """The clip as raw YUV 4:2:0 (what Chromium's fake camera reads), scaled to ``size``."""
    with av.open(str(source)) as inp, av.open(str(path), "w", format="yuv4mpegpipe") as out:
        video = inp.streams.video[0]
        rate = video.average_rate
        stream = out.add_stream("wrapped_avframe", rate=rate)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for index, frame in enumerate(inp.decode(video)):
            picture = frame.reformat(width=size[0], height=size[1], format="yuv420p")
            picture.pts, picture.time_base = index, Fraction(1) / rate
            out.mux(stream.encode(picture))
        out.mux(stream.encode())
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("live-web"), run_jobs=False) as running:
        yield running


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    camera = write_y4m(CLIPS / CLIP, tmp_path / "camera.y4m", CAMERA_SIZE)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera}",
        "--autoplay-policy=no-user-gesture-required",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def test_live_page_counts_reps_shows_a_cue_and_logs_the_set(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    app, base = server

    def press(selector: str) -> None:
        button = browser.find_element(By.CSS_SELECTOR, selector)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()

    offline = analyze(clip_track(CLIP), "bent-over-row")
    browser.get(f"{base}/live")
    Select(browser.find_element(By.CSS_SELECTOR, "[data-live-exercise]")).select_by_value("bent-over-row")
    press("[data-live-start]")

    def reps() -> int:
        return int(browser.find_element(By.CSS_SELECTOR, "[data-live-reps]").text or 0)

    cue = browser.find_element(By.CSS_SELECTOR, "[data-live-cue]")
    # The fake camera loops the 15 s clip; within two passes the page has counted reps and cued.
    WebDriverWait(browser, 90, poll_frequency=0.25).until(
        lambda _: reps() >= offline.rep_count - 2 and cue.is_displayed() and cue.text.strip()
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stage = browser.find_element(By.CSS_SELECTOR, "[data-live-stage]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", stage)
    browser.save_screenshot(str(SCREENSHOTS / "live-coach.png"))
    fault_cues = {f.cue for f in offline.faults}
    assert cue.text.strip() in fault_cues
    lag_box = browser.find_element(By.CSS_SELECTOR, "[data-live-lag]")
    lag = lag_box.get_attribute("data-lag-ms")
    assert lag is not None and 0 < int(lag) < 5000  # answers come back (the budget is in docs/live.md)
    # diagnostics stay out of sight until asked for
    assert not lag_box.is_displayed()
    press("[data-live-details]")
    WebDriverWait(browser, 5).until(lambda _: lag_box.is_displayed() and " ms" in lag_box.text)
    browser.save_screenshot(str(SCREENSHOTS / "live-coach-details.png"))
    press("[data-live-details]")
    assert not lag_box.is_displayed()
    assert browser.find_element(By.CSS_SELECTOR, "[data-live-overlay]").size["width"] > 0

    press("[data-live-finish]")
    summary = browser.find_element(By.CSS_SELECTOR, "[data-live-summary]")
    WebDriverWait(browser, 20).until(lambda _: summary.is_displayed())
    counted = reps()
    assert f"{counted} rep" in summary.text
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    browser.save_screenshot(str(SCREENSHOTS / "live-coach-summary.png"))
    press("[data-live-log]")
    WebDriverWait(browser, 20).until(lambda _: "/log" in browser.current_url)
    logged = app.state.store.sets(exercise_id="bent-over-row")
    assert logged and logged[-1].reps == counted and "Live coach" in logged[-1].notes


def _plain_browser(*arguments: str, size: tuple[int, int]):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", *arguments):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_window_size(*size)
    return driver


BUSY_CAMERA = """
navigator.mediaDevices.getUserMedia = () =>
  Promise.reject(new DOMException("Could not start video source", "NotReadableError"));
"""
"""Chromium cannot be told to find its camera in use by another program, so the page is handed
the error the browser gives then (the same DOMException name every browser uses)."""


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["desktop", "phone"])
@pytest.mark.parametrize(
    ("problem", "arguments", "error", "advice"),
    [
        ("no-camera", (), "NotFoundError", "No camera was found"),
        (
            "denied",
            ("--use-fake-device-for-media-stream", "--deny-permission-prompts"),
            "NotAllowedError",
            "Camera access is blocked",
        ),
        (
            "busy",
            ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"),
            "NotReadableError",
            "The camera is busy",
        ),
    ],
)
def test_each_camera_problem_says_what_to_do(server, problem, arguments, error, advice, size):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _, base = server
    driver = _plain_browser(*arguments, size=size)
    try:
        if problem == "busy":
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": BUSY_CAMERA})
        driver.get(f"{base}/live")
        driver.find_element(By.CSS_SELECTOR, "[data-live-start]").click()
        check = driver.find_element(By.CSS_SELECTOR, "[data-live-check]")
        WebDriverWait(driver, 20).until(lambda _: check.is_displayed() and check.text.strip())
        assert driver.find_element(By.CSS_SELECTOR, "[data-live]").get_attribute("data-camera-error") == error
        assert check.text.startswith(advice) and "press Start camera" in check.text
        top, bottom = driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom];", check
        )
        assert top >= 0 and bottom <= size[1]  # in sight without scrolling
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / f"live-camera-{problem}-{size[0]}.png"))
    finally:
        driver.quit()
