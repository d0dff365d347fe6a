"""Video → ``PoseTrack``: decoding, BlazePose, landmark files."""

from upperback.pose.landmarks import Landmark
from upperback.pose.track import PoseTrack, SourceInfo

__all__ = ["Landmark", "PoseTrack", "SourceInfo"]
