"""Pose extraction speed: decode only vs the naive loop vs upperback's pipeline, on one clip.

The naive loop is what the popular AI-trainer projects do: OpenCV reads every frame, converts
it to RGB and calls ``Pose.process`` on it. upperback samples frames at its analysis rate and
runs one decoder + BlazePose per CPU core on separate time segments.

Usage::

    python bench/pose_speed.py CLIP [--rate HZ] [--workers N] [--loop-to SECONDS] [--skip-naive]

``--loop-to`` first builds a longer video by repeating the clip's packets (no re-encoding), to
measure speed and peak memory on long recordings (e.g. ``--loop-to 600`` for ten minutes).
Peak memory is the largest sum of resident memory of this process and its children, sampled
every 50 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import threading
import time
from pathlib import Path

import av
import psutil

os.environ.setdefault("GLOG_minloglevel", "2")


class PeakMemory:
    """Samples the resident memory of this process tree in a background thread."""

    def __init__(self, interval_s: float = 0.05) -> None:
        self.interval_s = interval_s
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_bytes = max(self.peak_bytes, total)
            self._stop.wait(self.interval_s)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def video_facts(path: Path) -> tuple[int, float, int, int, float]:
    """(frames, duration_s, width, height, fps) by decoding every frame: the decode-only baseline."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        frames = sum(1 for _ in container.decode(stream))
        duration = float(stream.duration * stream.time_base) if stream.duration else frames / float(stream.average_rate)
        return frames, duration, stream.codec_context.width, stream.codec_context.height, float(stream.average_rate)


def naive_loop(path: Path) -> int:
    """OpenCV read + Pose.process on every frame (BlazePose Full, default settings)."""
    import cv2
    from mediapipe.python.solutions import pose as mp_pose

    capture = cv2.VideoCapture(str(path))
    count = 0
    with mp_pose.Pose(model_complexity=1) as pose:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            count += 1
    capture.release()
    return count


def looped_copy(path: Path, target_s: float, folder: Path) -> Path:
    """Repeat the clip's video packets until the copy lasts ``target_s`` seconds."""
    out_path = folder / f"looped_{int(target_s)}s{path.suffix}"
    with av.open(str(path)) as source:
        stream = source.streams.video[0]
        packets = [p for p in source.demux(stream) if p.dts is not None]
        clip_ticks = int(stream.duration or (packets[-1].pts - packets[0].pts + packets[-1].duration))
        with av.open(str(out_path), "w") as sink:
            out_stream = sink.add_stream_from_template(stream)
            offset = 0
            while offset * stream.time_base < target_s:
                for packet in packets:
                    copy = av.Packet(bytes(packet))
                    copy.pts, copy.dts = packet.pts + offset, packet.dts + offset
                    copy.duration = packet.duration
                    copy.is_keyframe = packet.is_keyframe
                    copy.time_base = stream.time_base
                    copy.stream = out_stream
                    sink.mux(copy)
                offset += clip_ticks
    return out_path


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clip", type=Path)
    parser.add_argument("--rate", type=float, default=None, help="analysis rate (default: upperback's)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--loop-to", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--skip-naive", action="store_true", help="skip the slow naive loop")
    args = parser.parse_args()

    from upperback.pose.pipeline import DEFAULT_RATE_HZ, extract_pose

    rate = DEFAULT_RATE_HZ if args.rate is None else args.rate
    with tempfile.TemporaryDirectory() as tmp:
        clip = looped_copy(args.clip, args.loop_to, Path(tmp)) if args.loop_to else args.clip
        (frames, duration, width, height, fps), decode_s = timed(video_facts, clip)
        rows = [("decode only (PyAV, all frames)", decode_s, None)]
        if not args.skip_naive:
            _, naive_s = timed(naive_loop, clip)
            rows.append(("naive loop (OpenCV + Pose.process, every frame)", naive_s, None))
        with PeakMemory() as memory:
            track, ours_s = timed(extract_pose, clip, rate_hz=rate, workers=args.workers)
        rows.append((f"upperback ({rate:g} Hz, {args.workers or os.cpu_count()} workers)", ours_s,
                     memory.peak_bytes))

    print(f"clip: {args.clip.name}{f' looped to {duration:.0f} s' if args.loop_to else ''} "
          f"({width}x{height}, {fps:.2f} fps, {frames} frames, {duration:.1f} s)")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 1024**3:.0f} GiB, {platform.processor() or platform.platform()}")
    print(f"upperback analysed {len(track)} frames, person found in {track.detected_fraction:.0%}\n")
    print("| pipeline | wall s | source frames/s | x real time | peak memory |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds, peak in rows:
        memory_text = f"{peak / 1024**2:.0f} MiB" if peak else ""
        print(f"| {name} | {seconds:.1f} | {frames / seconds:.0f} | {duration / seconds:.2f} | {memory_text} |")
    if not args.skip_naive:
        print(f"\nupperback vs naive loop: {rows[1][1] / ours_s:.2f}x faster")


if __name__ == "__main__":
    main()
