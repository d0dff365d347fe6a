"""Commands load only what they use: the library commands start without the heavy stacks.

Each command runs in a fresh interpreter, as the console script would, and reports which of
the heavy packages ended up in ``sys.modules``. Speed itself is measured by bench/cli_start.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = (
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "mediapipe",
    "cv2",
    "av",
    "scipy",
    "numpy",
    "plotly",
    "matplotlib",
    "sqlalchemy",
    "alembic",
    "ray",
    "pyarrow",
)
"""Packages that each cost a tenth of a second or more to import; none is needed to show the library."""

PROBE = """
import json, sys
from upperback.cli import main
try:
    main(sys.argv[1:])
    code = 0
except SystemExit as exc:
    code = exc.code or 0
heavy = sorted(name for name in {heavy!r} if name in sys.modules)
print("\\n" + json.dumps({{"code": code, "heavy": heavy}}))
"""


def loaded_heavy(*args: str, env: dict[str, str] | None = None) -> tuple[int, list[str], str]:
    """Run ``upperback ARGS`` in a new interpreter; return (exit code, heavy modules loaded, output)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["code"], result["heavy"], done.stdout + done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["exercises"],
        ["exercises", "--equipment", "dumbbells"],
        ["exercise", "bent-over-row"],
        ["muscles"],
        ["muscles", "rhomboids"],
        ["faq"],
        ["analyze", "--help"],
        ["pose", "--help"],
        ["serve", "--help"],
        ["plan", "--help"],
    ],
)
def test_library_commands_load_no_heavy_package(args):
    code, heavy, out = loaded_heavy(*args)
    assert code == 0, out
    assert out.strip(), "the command printed nothing"
    assert heavy == [], f"upperback {' '.join(args)} loaded {', '.join(heavy)}"


def test_the_probe_sees_heavy_packages_when_a_command_needs_them(tmp_path):
    """The check can fail: a command that opens the training log does load SQLAlchemy."""
    code, heavy, out = loaded_heavy("plan", "--weeks", "1", env={"UPPERBACK_DATA_DIR": str(tmp_path)})
    assert "sqlalchemy" in heavy, out


def test_a_pose_worker_loads_the_pose_stack_only():
    """Pose workers start from their own module: not the command line, not the web app, and
    only mediapipe's Pose solution (its package would load matplotlib)."""
    probe = (
        "import sys\n"
        "from upperback.pose import worker\n"
        "from upperback.pose.estimator import BlazePose\n"
        "BlazePose(segmentation=True).close()\n"
        "print(sorted(m for m in ('upperback.cli', 'typer', 'fastapi', 'matplotlib', 'sqlalchemy',"
        " 'plotly', 'sounddevice') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
