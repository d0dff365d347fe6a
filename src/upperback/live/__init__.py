"""Live coaching: one frame in, the updated rep count, phase, cue and skeleton out.

:class:`LiveSet` runs the offline analysis' own signal definitions, rep counter and fault
checks incrementally, with a causal filter in place of the offline zero-lag smoothing
(docs/live.md). It has no web dependency; ``upperback.web`` serves it to the browser.
"""

from upperback.live.camera_check import CameraCheck, check_camera
from upperback.live.counting import Phase
from upperback.live.cues import Cue
from upperback.live.live_set import LiveSet, LiveState, SetSummary
from upperback.live.set_end import EndReason

__all__ = ["CameraCheck", "Cue", "EndReason", "LiveSet", "LiveState", "Phase", "SetSummary", "check_camera"]
