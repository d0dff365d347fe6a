"""The training log store: SQLAlchemy 2 over SQLite (default) or any SQLAlchemy URL, migrated by Alembic.

>>> from upperback.store import open_store, LoggedSet
>>> with open_store() as store:                       # doctest: +SKIP
...     store.log_set(LoggedSet(performed_at=now, exercise_id="bent-over-row",
...                             exercise_name="Bent-over row", reps=10, load=12, load_unit="kg"))
"""

from upperback.store.records import (
    AnalysisLink,
    FormAnalysisRecord,
    ImportBundle,
    ImportOutcome,
    ImportRecord,
    LoggedSet,
    PlanRecord,
    Removed,
    SessionRecord,
)
from upperback.store.store import Store, normalise_name, open_store

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
    "Store",
    "normalise_name",
    "open_store",
]
