"""Video files edited the way people edit their sets: two clips joined by a hard cut (FFmpeg)."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path


def picture(path: Path) -> tuple[int, int, Fraction]:
    """Width, height and frame rate of a video's stream."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height,r_frame_rate"]
        + ["-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split(",")
    return int(out[0]), int(out[1]), Fraction(out[2].strip())


def joined_by_a_cut(first: Path, second: Path, target: Path) -> Path:
    """``first``, then a hard cut to ``second`` scaled into its picture (letterboxed), both at the
    higher of their frame rates, as an H.264 file at ``target``."""
    width, height, fps = picture(first)
    fps = max(fps, picture(second)[2])
    width, height = width // 2 * 2, height // 2 * 2
    fit = f"scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
    fit += f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps},format=yuv420p"
    graph = f"[0:v]{fit}[a];[1:v]{fit}[b];[a][b]concat=n=2:v=1[v]"
    command = ["ffmpeg", "-loglevel", "error", "-y", "-i", str(first), "-i", str(second)]
    command += ["-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20"]
    subprocess.run([*command, "-an", str(target)], check=True)
    return target
