"""upperback: an upper-back training coach."""

__version__ = "0.1.0"
