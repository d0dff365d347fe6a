"""The training log store: SQLAlchemy 2 over SQLite (default) or any SQLAlchemy URL, migrated by Alembic.

>>> from upperback.store import open_store, LoggedSet, WeightUnit
>>> with open_store() as store:                       # doctest: +SKIP
...     store.log_set(LoggedSet(performed_at=now, exercise_id="bent-over-row",
...                             exercise_name="Bent-over row", reps=10, load=12, load_unit=WeightUnit.KG))
"""

from upperback.logged_set import LoggedSet, SetType
from upperback.store.records import (
    AnalysisLink,
    FormAnalysisRecord,
    ImportBundle,
    ImportOutcome,
    ImportRecord,
    PlanRecord,
    Removed,
    SessionRecord,
)
from upperback.store.store import Store, normalise_name, open_store
from upperback.units import WeightUnit

__all__ = [
    "AnalysisLink",
    "FormAnalysisRecord",
    "ImportBundle",
    "ImportOutcome",
    "ImportRecord",
    "LoggedSet",
    "PlanRecord",
    "Removed",
    "SessionRecord",
    "SetType",
    "Store",
    "WeightUnit",
    "normalise_name",
    "open_store",
]
