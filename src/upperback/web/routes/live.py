"""The live coach page: the browser's camera frames in over a WebSocket, the coach's state out.

The page captures a JPEG at the analysis rate and sends it with its capture time (8 bytes,
float64 little-endian milliseconds, then the JPEG). It sends the next one only after the answer
to the last has come, and the server keeps only the newest frame if more arrive while it is
busy: frames are dropped, never queued, so the delay cannot build up. Text messages carry
actions: ``{"action": "finish"}`` ends the set, ``{"action": "reset"}`` starts the next one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import struct
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlsplit

import cv2
import numpy as np
from fastapi import APIRouter, Query, Request, WebSocket, WebSocketDisconnect
from starlette.responses import Response

from upperback.analysis import FORM_MODULES
from upperback.errors import UpperbackError
from upperback.library import Movement, get_library
from upperback.live import LiveSet
from upperback.pose.landmarks import SKELETON_EDGES
from upperback.pose.pipeline import DEFAULT_RATE_HZ
from upperback.web.deps import render, signed_in

log_ = logging.getLogger("upperback.web.routes.live")

router = APIRouter()

MAX_FRAME_BYTES = 4 * 1024**2
MAX_FRAME_SIDE_PX = 1920
HEADER = struct.Struct("<d")
"""Capture time of the frame in milliseconds, before the JPEG bytes."""


def _coached_movements() -> list[Movement]:
    """The movements the live coach counts, in library order; the first is the page's default."""
    return [m for m in get_library().movements if m.id in FORM_MODULES and m.counting is not None]


@router.get("/live")
def live_page(request: Request, exercise: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    movements = _coached_movements()
    chosen = exercise if exercise in {m.id for m in movements} else movements[0].id
    return render(
        request,
        "live.html",
        {
            "movements": movements,
            "chosen": chosen,
            "rate_hz": DEFAULT_RATE_HZ,
            "edges": json.dumps([[int(a), int(b)] for a, b in SKELETON_EDGES]),
        },
    )


@router.websocket("/live/ws")
async def live_socket(websocket: WebSocket, exercise: str | None = None) -> None:
    exercise = exercise or _coached_movements()[0].id
    if not _allowed(websocket):
        await websocket.close(code=1008)
        return
    await websocket.accept()
    try:
        LiveSet(exercise)  # refuse an unknown movement before loading the model
    except UpperbackError as exc:
        await websocket.send_json({"error": exc.message})
        await websocket.close()
        return
    from upperback.pose.estimator import BlazePose

    loop = asyncio.get_running_loop()
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-pose")  # BlazePose stays on one thread
    pose = await loop.run_in_executor(worker, partial(BlazePose, segmentation=True))
    try:
        live_set = LiveSet(exercise, estimator=pose)
        await loop.run_in_executor(worker, live_set.warm_up)
        await websocket.send_json({"ready": True, "exercise": live_set.exercise})
        await _serve(websocket, live_set, pose, worker)
    except WebSocketDisconnect:
        pass
    finally:
        worker.submit(pose.close)
        worker.shutdown(wait=False)


async def _serve(websocket: WebSocket, live_set: LiveSet, pose: Any, worker: ThreadPoolExecutor) -> None:
    """Answer frames one at a time, keeping only the newest frame that came while busy."""
    loop = asyncio.get_running_loop()
    newest: list[bytes] = []
    actions: list[str] = []
    arrived = asyncio.Event()
    closed = False

    async def receive() -> None:
        nonlocal closed
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("bytes") is not None:
                    newest[:] = [message["bytes"]]  # an older frame still waiting is dropped
                elif message.get("text") is not None:
                    actions.append(message["text"])
                arrived.set()
        finally:
            closed = True
            arrived.set()

    reader = asyncio.create_task(receive())
    try:
        while True:
            await arrived.wait()
            arrived.clear()
            if closed:
                return
            while actions:
                live_set = await _act(websocket, live_set, pose, actions.pop(0), loop, worker)
            if not newest:
                continue
            data = newest.pop()
            try:
                capture_ms, rgb = _decode(data)
                state = await loop.run_in_executor(worker, live_set.process_frame, rgb, capture_ms / 1000.0)
            except UpperbackError as exc:
                await websocket.send_json({"error": exc.message})
                continue
            except Exception:  # one bad frame must not end the set; the log has the details
                log_.exception("live frame failed")
                await websocket.send_json(
                    {"error": "The coach could not read that frame; it carries on with the next one."}
                )
                continue
            await websocket.send_json(state.to_dict() | {"capture_ms": capture_ms})
    finally:
        reader.cancel()


async def _act(
    websocket: WebSocket,
    live_set: LiveSet,
    pose: Any,
    text: str,
    loop: asyncio.AbstractEventLoop,
    worker: ThreadPoolExecutor,
) -> LiveSet:
    try:
        action = json.loads(text).get("action")
    except (ValueError, AttributeError):
        action = None
    if action == "finish":
        state = await loop.run_in_executor(worker, live_set.finish)
        await websocket.send_json(state.to_dict())
    elif action == "reset":
        live_set = LiveSet(live_set.exercise, estimator=pose)
        await websocket.send_json({"ready": True, "exercise": live_set.exercise})
    else:
        await websocket.send_json({"error": "Unknown action; send 'finish' or 'reset'."})
    return live_set


def _decode(data: bytes) -> tuple[float, np.ndarray]:
    """(capture time in ms, RGB picture) from one frame message."""
    if len(data) <= HEADER.size or len(data) > MAX_FRAME_BYTES:
        raise UpperbackError("A camera frame was empty or too large; reload the page.")
    (capture_ms,) = HEADER.unpack_from(data)
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8, offset=HEADER.size), cv2.IMREAD_COLOR)
    if bgr is None or not np.isfinite(capture_ms):
        raise UpperbackError("A camera frame could not be read as a JPEG picture; reload the page.")
    if max(bgr.shape[:2]) > MAX_FRAME_SIDE_PX:
        raise UpperbackError("Camera frames larger than 1920 pixels are not accepted; reload the page.")
    return float(capture_ms), cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _allowed(websocket: WebSocket) -> bool:
    """Same-origin pages only, and signed in when the app has a password."""
    origin = websocket.headers.get("origin")
    if origin and urlsplit(origin).netloc != websocket.headers.get("host"):
        return False
    settings = websocket.app.state.settings
    if settings.password:
        return signed_in(websocket)
    return True
