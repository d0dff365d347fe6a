"""The local web app: FastAPI + Jinja2 + htmx over the same library, plans, log and analysis.

Start it with ``upperback serve``; build it in code with :func:`create_app`. The names below
load on first use, so the command line can read ``web.settings`` without loading FastAPI.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upperback.web.app import create_app
    from upperback.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]

_HOMES = {"create_app": "upperback.web.app", "WebSettings": "upperback.web.settings"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
