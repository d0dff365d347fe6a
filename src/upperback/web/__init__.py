"""The local web app: FastAPI + Jinja2 + htmx over the same library, plans, log and analysis.

Start it with ``upperback serve``; build it in code with :func:`create_app`.
"""

from upperback.web.app import create_app
from upperback.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
