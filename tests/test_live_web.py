"""The live page and its WebSocket, through FastAPI's test client (no browser)."""

from __future__ import annotations

import struct

import cv2
import pytest
from starlette.websockets import WebSocketDisconnect

from conftest import CLIPS, needs_media
from upperback.pose.decode import iter_frames
from web_support import client_for, settings_for


@pytest.fixture
def client(tmp_path):
    with client_for(settings_for(tmp_path)) as client:
        yield client


def frame_message(rgb, capture_ms: float) -> bytes:
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    return struct.pack("<d", capture_ms) + jpeg.tobytes()


def test_live_page_lists_the_movements_and_loads_its_script(client):
    page = client.get("/live?exercise=cat-cow")
    assert page.status_code == 200
    assert '<option value="cat-cow" selected>' in page.text
    assert "/static/live.js" in page.text and "data-live-start" in page.text
    assert 'href="/live"' in page.text  # in the main navigation


def test_socket_refuses_other_sites(client):
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect("/live/ws", headers={"origin": "http://evil.example"}) as ws,
    ):
        ws.receive_json()
    assert closed.value.code == 1008


def test_socket_names_an_unknown_movement(client):
    with client.websocket_connect("/live/ws?exercise=bent-over-rows") as ws:
        message = ws.receive_json()
    assert "bent-over-row" in message["error"]


@needs_media
def test_socket_answers_frames_and_actions(client):
    frames = [f for f, _ in zip(iter_frames(CLIPS / "row_dumbbell_gym_side.mp4", 10.0), range(4))]
    with client.websocket_connect("/live/ws?exercise=bent-over-row", headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json() == {"ready": True, "exercise": "bent-over-row"}
        for frame in frames:
            ws.send_bytes(frame_message(frame.rgb, 1000.0 * frame.time_s + 5000.0))
            state = ws.receive_json()
            assert state["capture_ms"] == pytest.approx(1000.0 * frame.time_s + 5000.0)
        assert state["found"] and len(state["skeleton"]) == 33 and state["frame_size"] == [1280, 720]
        assert state["camera"]["ok"] in (True, False) and state["reps"] == 0
        ws.send_bytes(struct.pack("<d", 99999.0) + b"not a jpeg")
        assert "JPEG" in ws.receive_json()["error"]
        ws.send_text('{"action": "finish"}')
        done = ws.receive_json()
        assert done["set_finished"] and done["summary"]["rep_count"] == 0
        ws.send_text('{"action": "reset"}')
        assert ws.receive_json()["ready"]
        ws.send_text("nonsense")
        assert "Unknown action" in ws.receive_json()["error"]
