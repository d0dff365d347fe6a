"""One analysis, the same files: the command line, a batch run and a web upload of one video
write the same report JSON and the same report page, byte for byte (one writer for all three)."""

from __future__ import annotations

from conftest import CLIPS, needs_media, run_cli
from web_support import client_for, settings_for, upload, wait_for_job

pytestmark = needs_media

CLIP = "cat_cow_home_side.mp4"
"""The shortest shared clip: three full analyses of it keep the test short."""


def test_cli_batch_and_web_write_the_same_report_and_page(tmp_path, capsys):
    cli_json, cli_html = tmp_path / "cli.json", tmp_path / "cli.html"
    code, _, err = run_cli(
        capsys, "analyze", str(CLIPS / CLIP), "-x", "cat-cow", "--json", str(cli_json), "--html", str(cli_html)
    )
    assert code == 0, err

    code, _, err = run_cli(capsys, "batch", str(CLIPS / CLIP), "-x", "cat-cow", "-o", str(tmp_path / "batch"), "--html")
    assert code == 0, err
    (batch_json,) = (tmp_path / "batch" / "results").glob("*.json")
    batch_html = batch_json.with_suffix(".html")

    with client_for(settings_for(tmp_path / "web", run_jobs=True)) as client:
        job_url = upload(client, CLIP, (CLIPS / CLIP).read_bytes(), exercise="cat-cow").headers["location"]
        wait_for_job(client, job_url)
        web_json = client.get(f"{job_url}/report.json")
        web_html = client.get(f"{job_url}/report.html")
    assert web_json.status_code == web_html.status_code == 200

    assert batch_json.read_bytes() == cli_json.read_bytes()
    assert web_json.content == cli_json.read_bytes()
    page = cli_html.read_bytes()
    assert b"Cat-cow" in page and b"data:image/jpeg" in page  # a real page, key frames included
    assert batch_html.read_bytes() == page
    assert web_html.content == page


def test_the_carry_steps_reach_the_writers_from_the_analysis():
    """The carry's step times come with its analysis, as its form module found them."""
    from conftest import clip_track
    from upperback.analysis import full_analysis
    from upperback.form.farmers_carry import find_steps

    analysis = full_analysis(clip_track("farmers_carry_front_back.mp4"), "farmers-carry")
    assert analysis.step_times_s is not None and len(analysis.step_times_s) == analysis.report.metrics["steps"] > 0
    assert list(analysis.step_times_s) == list(find_steps(analysis.signals).times_s)
