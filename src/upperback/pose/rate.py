"""The default analysis rate, kept apart from the pipeline so commands can show it without loading it."""

DEFAULT_RATE_HZ = 10.0
"""Analysis rate. Measured on the shared clips to keep rep counts and angles (docs/performance.md)."""
