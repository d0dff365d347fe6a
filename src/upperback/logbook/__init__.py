"""The training log's data in and out: imports from Strong, Hevy and FitNotes, exports, progress."""
