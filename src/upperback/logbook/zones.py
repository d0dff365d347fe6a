"""The time zone that exports' wall-clock times and the user's dates are read in."""

from __future__ import annotations

import os
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from upperback.errors import UpperbackError

LOCALTIME = Path("/etc/localtime")


def zone_named(name: str | None) -> tzinfo:
    """``name`` as an IANA zone (``Europe/Berlin``), or this computer's zone when None."""
    if name is None:
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UpperbackError(f"Unknown time zone '{name}'; use an IANA name such as Europe/Berlin or UTC.") from None


def local_zone() -> tzinfo:
    """This computer's zone, with its daylight-saving rules when they can be found ($TZ, /etc/localtime)."""
    for candidate in (os.environ.get("TZ", "").lstrip(":"), _localtime_key()):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    zone = datetime.now().astimezone().tzinfo  # a fixed offset: right today, maybe not in summer
    assert zone is not None  # astimezone() always gives an aware datetime
    return zone


def _localtime_key() -> str | None:
    if not LOCALTIME.is_symlink():
        return None
    target = str(LOCALTIME.resolve())
    marker = "/zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None
