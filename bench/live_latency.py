"""Live coaching latency: a clip replayed as a camera at its real frame rate through the live path.

A camera thread decodes the clip with PyAV and releases each frame at its presentation time.
Like the live page, a client sends frames at the analysis rate (``--send-hz``, default 10), as
JPEG (the browser's ``canvas.toBlob``), to an engine that decodes the JPEG and runs
``LiveSet.process_frame`` (BlazePose with segmentation, back outline, signals, rep counter,
checks). A frame that comes while the engine is still busy is dropped, never queued, so latency
cannot pile up. Latency is measured from a frame's release by the camera to the engine's
result (JPEG encoding, decoding and analysis included; the network and the page's drawing are not).

``--accuracy`` instead feeds the frames the offline analysis samples (every 1/10 s, no pacing, no
dropping) and compares the live result with ``analyze()`` on the offline pose track: rep count,
fault codes, and how far the landmarks found on the shrunk picture lie from the offline ones.

Usage::

    python bench/live_latency.py [CLIP] [--max-width 640] [--send-hz 10] [--runs 2]
    python bench/live_latency.py [CLIP] --accuracy [--max-width 640]
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from pathlib import Path

import av
import cv2
import numpy as np

os.environ.setdefault("GLOG_minloglevel", "2")

DEFAULT_CLIP = Path(__file__).resolve().parents[2] / "shared" / "data" / "clips" / "row_dumbbell_gym_side.mp4"
JPEG_QUALITY = 80


class Engine:
    """Runs the live path on one frame at a time; refuses frames while busy."""

    def __init__(self, exercise: str, max_width: int | None, rate_hz: float) -> None:
        from upperback.live import LiveSet

        self.live_set = LiveSet(exercise, rate_hz=rate_hz, max_width_px=max_width)
        self.latencies_ms: list[float] = []
        self.busy_ms: list[float] = []
        self.dropped = 0
        self.sent = 0
        self._slot: tuple[float, float, bytes] | None = None
        self._busy = False
        self._wake = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def offer(self, captured: float, time_s: float, jpeg: bytes) -> None:
        with self._wake:
            self.sent += 1
            if self._busy or self._slot is not None:
                self.dropped += 1
                return
            self._slot = (captured, time_s, jpeg)
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._slot is None and not self._stop:
                    self._wake.wait()
                if self._slot is None:
                    return
                captured, time_s, jpeg = self._slot
                self._slot, self._busy = None, True
            started = time.perf_counter()
            bgr = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
            self.live_set.process_frame(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), time_s)
            done = time.perf_counter()
            self.latencies_ms.append((done - captured) * 1e3)
            self.busy_ms.append((done - started) * 1e3)
            with self._wake:
                self._busy = False

    def close(self) -> None:
        with self._wake:
            self._stop = True
            self._wake.notify()
        self._thread.join()
        self.live_set.close()


def realtime_run(clip: Path, exercise: str, max_width: int | None, send_hz: float) -> dict:
    """Replay ``clip`` in real time through the live path; returns the measurements."""
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate)
    engine = Engine(exercise, max_width, send_hz or fps)
    engine.live_set.warm_up()
    frames, last_slot = 0, None
    start = time.perf_counter()
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            time_s = float(frame.pts * stream.time_base)
            rgb = frame.to_ndarray(format="rgb24")
            delay = start + time_s - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            captured = time.perf_counter()  # the camera hands the frame over now
            frames += 1
            slot = int(time_s * send_hz + 1e-6) if send_hz else frames
            if slot == last_slot:
                continue  # the page captures on a timer at the analysis rate only
            last_slot = slot
            ok, jpeg = cv2.imencode(
                ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
            )
            engine.offer(captured, time_s, jpeg.tobytes())
    time.sleep(0.5)
    engine.close()
    latency = np.array(engine.latencies_ms)
    final = engine.live_set.finish()
    return {
        "frames": frames,
        "sent": engine.sent,
        "dropped": engine.dropped,
        "dropped_share": engine.dropped / max(engine.sent, 1),
        "p50_ms": float(np.percentile(latency, 50)),
        "p95_ms": float(np.percentile(latency, 95)),
        "p99_ms": float(np.percentile(latency, 99)),
        "engine_p50_ms": float(np.median(engine.busy_ms)),
        "reps": final.reps,
    }


def accuracy_run(clip: Path, exercise: str, max_width: int | None) -> dict:
    """The live path on the offline sampling of ``clip``, against ``analyze()`` of its offline track."""
    from upperback.analysis import analyze
    from upperback.live import LiveSet
    from upperback.pose.decode import iter_frames
    from upperback.pose.landmarks import Landmark as L
    from upperback.pose.pipeline import DEFAULT_RATE_HZ, extract_pose

    offline_track = extract_pose(clip)
    offline = analyze(offline_track, exercise)
    with LiveSet(exercise, max_width_px=max_width) as live_set:
        for frame in iter_frames(clip, DEFAULT_RATE_HZ):
            live_set.process_frame(frame.rgb, frame.time_s)
        final = live_set.finish()
        live_track = live_set.history.track()
    count = min(len(live_track), len(offline_track))
    a, b = live_track.image[:count, :, :2], offline_track.image[:count, :, :2]
    torso = np.linalg.norm(
        b[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(1) - b[:, [L.LEFT_HIP, L.RIGHT_HIP]].mean(1), axis=-1
    )
    body = [
        L.LEFT_SHOULDER,
        L.RIGHT_SHOULDER,
        L.LEFT_ELBOW,
        L.RIGHT_ELBOW,
        L.LEFT_WRIST,
        L.RIGHT_WRIST,
        L.LEFT_HIP,
        L.RIGHT_HIP,
        L.LEFT_KNEE,
        L.RIGHT_KNEE,
        L.LEFT_EAR,
        L.RIGHT_EAR,
    ]
    error = np.linalg.norm(a[:, body] - b[:, body], axis=-1) / torso[:, None]
    return {
        "offline_reps": offline.rep_count,
        "live_reps": final.reps,
        "offline_faults": sorted({f.code for f in offline.faults}),
        "live_faults": final.summary.fault_codes if final.summary else [],
        "landmark_error_median_torso": float(np.nanmedian(error)),
        "landmark_error_p95_torso": float(np.nanpercentile(error, 95)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--exercise", default="bent-over-row")
    parser.add_argument("--max-width", type=int, default=640, help="0: feed BlazePose the full picture")
    parser.add_argument("--send-hz", type=float, default=10.0, help="0: send every camera frame")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--accuracy", action="store_true")
    args = parser.parse_args()
    width = args.max_width or None
    print(
        f"clip {args.clip.name}, BlazePose input width {width or 'full'}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if args.accuracy:
        result = accuracy_run(args.clip, args.exercise, width)
        print(", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items()))
        return
    for run in range(1, args.runs + 1):
        r = realtime_run(args.clip, args.exercise, width, args.send_hz)
        print(
            f"run {run}: {r['frames']} camera frames, {r['sent']} sent at {args.send_hz or 'every frame'} Hz, "
            f"{r['dropped']} dropped ({100 * r['dropped_share']:.1f} %); capture->result "
            f"p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms; "
            f"engine busy p50 {r['engine_p50_ms']:.0f} ms; reps {r['reps']}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
