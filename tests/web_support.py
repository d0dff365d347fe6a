"""Helpers for the web app tests: an app on a temporary data folder, tokens, small real videos."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import av
import numpy as np
from fastapi.testclient import TestClient

from upperback.web import WebSettings, create_app
from upperback.web.security import CSRF_COOKIE

TEST_HOSTS = ("testserver", "127.0.0.1", "localhost")


@contextmanager
def served(data_dir: Path, run_jobs: bool):
    """The app served by a real uvicorn on a free local port, for browser tests: (app, base URL)."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = WebSettings(data_dir=data_dir, port=port, run_jobs=run_jobs, allowed_hosts=TEST_HOSTS)
    app = create_app(settings)
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=60)


def settings_for(data_dir: Path, **changes) -> WebSettings:
    values = {"data_dir": data_dir, "run_jobs": False, "allowed_hosts": TEST_HOSTS} | changes
    return WebSettings(**values)


@contextmanager
def client_for(settings: WebSettings, **kwargs):
    """A test client with the app's lifespan running (store open, job queue started if asked)."""
    with TestClient(create_app(settings, **kwargs)) as client:
        client.get("/")  # receive the CSRF cookie
        yield client


def token(client: TestClient) -> str:
    return client.cookies.get(CSRF_COOKIE)


def write_video(path: Path, seconds: float = 2.0, size: tuple[int, int] = (160, 120), fps: int = 10) -> Path:
    """A real H.264 MP4 of plain grey frames (a video with nobody in it)."""
    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(int(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(np.full((height, width, 3), 80 + index % 50, np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def write_audio_only_mp4(path: Path) -> Path:
    """An MP4 (M4A) container holding only an AAC audio track: a real container, no picture."""
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=16000)
        for _ in range(10):
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            frame.sample_rate = 16000
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def upload(client: TestClient, name: str, data: bytes, exercise: str = "auto", with_token: bool = True):
    fields = {"exercise": exercise}
    if with_token:
        fields = {"csrf_token": token(client), **fields}
    return client.post("/analyze", data=fields, files={"video": (name, data, "video/mp4")}, follow_redirects=False)


def wait_for_job(client: TestClient, job_url: str, timeout_s: float = 300.0) -> None:
    """Poll the status fragment, as htmx does, until the job finishes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        response = client.get(f"{job_url}/status")
        assert response.status_code == 200
        if response.headers.get("HX-Refresh") == "true":
            return
        time.sleep(0.2)
    raise AssertionError(f"the job at {job_url} did not finish within {timeout_s:.0f} s")


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
