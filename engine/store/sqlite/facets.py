"""Cheap reads for filter choices and live rates: distinct values and recent arrivals."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ...records import format_time
from ..filters import FacetField

# (table, column) of each facet; every one has an index led by that column, so a
# loose index scan reads one index entry per distinct value, not the whole table.
_FACETS: dict[str, tuple[str, str]] = {
    "platform": ("mentions", "platform"),
    "source": ("mentions", "source"),
    "lang": ("mentions", "lang"),
    "topic": ("mention_topics", "topic"),
}


def distinct_values(conn: sqlite3.Connection, field: FacetField) -> list[str]:
    """The distinct non-empty values of ``field`` in the store, sorted.

    Raises:
        ValueError: ``field`` is not one of :data:`FacetField`.
    """
    if field not in _FACETS:
        raise ValueError(f"no facet named {field!r}; expected one of {', '.join(_FACETS)}")
    table, column = _FACETS[field]
    sql = (
        f"WITH RECURSIVE v(x) AS (SELECT min({column}) FROM {table} "
        f"UNION ALL SELECT (SELECT min({column}) FROM {table} WHERE {column} > v.x) "
        "FROM v WHERE v.x IS NOT NULL) "
        "SELECT x FROM v WHERE x IS NOT NULL AND x != ''"
    )
    return [row[0] for row in conn.execute(sql)]


def arrivals_since(conn: sqlite3.Connection, since: datetime) -> int:
    """How many mentions were first stored at or after ``since`` (``collected_at``)."""
    row = conn.execute(
        "SELECT count(*) FROM mentions WHERE collected_at >= ?", (format_time(since),)
    ).fetchone()
    return int(row[0])
