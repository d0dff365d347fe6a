"""Form analysis, one module per movement, each registered here under its library movement id.

A movement module ends with one :func:`register` call naming what it provides: the offline
``check`` (required) and the per-frame judge of its ``single_frame`` faults. The signals a
module reads are body signals, built and cleaned by the caller
(:mod:`upperback.kinematics.movement_signals`), so a module never filters. Everyone else
(``analyze()``, the report, the live engine) asks :func:`form_module`.

The module of movement ``some-move`` is ``upperback.form.some_move``; it is imported on first
use. A module kept elsewhere (a plug-in, a test) registers itself when it is imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from upperback.arrays import AnyArray

if TYPE_CHECKING:
    from upperback.form.movement_result import MovementResult
    from upperback.kinematics.signals import BodySignals
    from upperback.library.models import Movement

Check = Callable[["BodySignals", "Movement"], "MovementResult"]
"""Counts the reps of a set and judges its faults against the movement's library data."""
FrameFaults = Callable[["BodySignals", "Movement"], dict[str, AnyArray]]
"""Per frame, each single-frame fault as 1.0 / 0.0, or NaN where it cannot be judged."""


@dataclass(frozen=True)
class FormModule:
    """What one movement's form module provides."""

    movement_id: str
    check: Check
    frame_faults: FrameFaults | None = None


_REGISTERED: dict[str, FormModule] = {}


def register(module: FormModule) -> FormModule:
    """Make ``module`` the form analysis of its movement (the last registration wins).

    Parameters
    ----------
    module : FormModule
        The movement's check and per-frame judge.

    Returns
    -------
    FormModule
        ``module``, registered.
    """
    _REGISTERED[module.movement_id] = module
    return module


def module_name(movement_id: str) -> str:
    """Name the conventional module of a movement id.

    Parameters
    ----------
    movement_id : str
        A library movement id, e.g. ``bent-over-row``.

    Returns
    -------
    str
        E.g. ``upperback.form.bent_over_row``.
    """
    return f"{__name__}.{movement_id.replace('-', '_')}"


def find_form_module(movement_id: str) -> FormModule | None:
    """Find the registered form module of a movement, importing its conventional module first if needed.

    Parameters
    ----------
    movement_id : str
        A library movement id, e.g. ``bent-over-row``.

    Returns
    -------
    FormModule or None
        The module; None when there is none.
    """
    if movement_id not in _REGISTERED:
        name = module_name(movement_id)
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but an import inside it failed
                raise
    return _REGISTERED.get(movement_id)


def form_module(movement_id: str) -> FormModule:
    """Get the form module of a movement; a clear error when the movement has none.

    Parameters
    ----------
    movement_id : str
        A library movement id, e.g. ``bent-over-row``.

    Returns
    -------
    FormModule
        The registered module.
    """
    from upperback.errors import UpperbackError

    found = find_form_module(movement_id)
    if found is None:
        available = ", ".join(sorted(registered_modules()))
        raise UpperbackError(
            f"Form analysis for '{movement_id}' is not available yet (available: {available}). "
            f"Add it as {module_name(movement_id)} ending with form.register(...) "
            f"(docs/architecture.md), or run 'upperback exercise {movement_id}' for its coaching cues meanwhile."
        )
    return found


def registered_modules() -> dict[str, FormModule]:
    """List every library movement's form module that exists (imported if needed), and any other registered one.

    Returns
    -------
    dict of str to FormModule
        The modules by movement id.
    """
    from upperback.library import get_library

    for movement in get_library().movements:
        find_form_module(movement.id)
    return dict(_REGISTERED)


class _Checks(Mapping[str, Check]):
    """The ``check`` of every form module, by movement id (a read-only view of the registry)."""

    def __getitem__(self, movement_id: str) -> Check:
        found = find_form_module(movement_id)
        if found is None:
            raise KeyError(movement_id)
        return found.check

    def __contains__(self, movement_id: object) -> bool:
        return isinstance(movement_id, str) and find_form_module(movement_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(registered_modules()))

    def __len__(self) -> int:
        return len(registered_modules())


CHECKS: Mapping[str, Check] = _Checks()
"""Each movement's offline check by movement id, from the registry (``id in CHECKS`` tells
whether a movement can be analysed)."""
