"""The live page end to end in headless Chromium with a fake camera playing a shared clip: it counts
the row's reps, shows a cue, ends the set and logs it in one tap.

Screenshots go to test-artifacts/screenshots/ at the repository root, for a person to look at.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest
from web_support import served

from conftest import CLIPS, clip_track, needs_media
from upperback.analysis import analyze

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
CLIP = "row_dumbbell_gym_side.mp4"
CAMERA_SIZE = (640, 360)

pytestmark = [
    needs_media,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="Debian's chromium and chromedriver are not installed"),
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
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                     f"--use-file-for-fake-video-capture={camera}", "--autoplay-policy=no-user-gesture-required"):
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
        lambda _: reps() >= offline.rep_count - 2 and cue.is_displayed() and cue.text.strip())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stage = browser.find_element(By.CSS_SELECTOR, "[data-live-stage]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", stage)
    browser.save_screenshot(str(SCREENSHOTS / "live-coach.png"))
    fault_cues = {f.cue for f in offline.faults}
    assert cue.text.strip() in fault_cues
    lag = browser.find_element(By.CSS_SELECTOR, "[data-live-lag]").get_attribute("data-lag-ms")
    assert lag is not None and 0 < int(lag) < 5000  # answers come back (the budget is in docs/live.md)
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
