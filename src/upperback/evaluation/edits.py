"""Video files edited the way people edit their sets: two clips joined by a hard cut (FFmpeg)."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

from upperback.pose.decode import probe_video


def joined_by_a_cut(first: Path, second: Path, target: Path) -> Path:
    """``first``, then a hard cut to ``second`` scaled into its upright picture (letterboxed), both
    at the higher of their frame rates, as an H.264 file at ``target``."""
    info = probe_video(first)
    fps = Fraction(max(info.fps, probe_video(second).fps)).limit_denominator(1001)
    width, height = info.width // 2 * 2, info.height // 2 * 2
    fit = f"scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
    fit += f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps},format=yuv420p"
    graph = f"[0:v]{fit}[a];[1:v]{fit}[b];[a][b]concat=n=2:v=1[v]"
    command = ["ffmpeg", "-loglevel", "error", "-y", "-i", str(first), "-i", str(second)]
    command += ["-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20"]
    subprocess.run([*command, "-an", str(target)], check=True)
    return target
