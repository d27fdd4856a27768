"""Turning a MentionFilter into SQL whose plan stays fast on a million rows.

A feed page wants the newest few rows. Two plans serve it: *walk* the time index
newest first, checking each row, and stop at the page size (fast whenever matches
are not rare); or *drive* from a small set of matches (a rare topic or word, a
few tagged mentions) and sort just those. :func:`choose_driver` picks by counting
each set, up to :data:`DRIVE_LIMIT`. Unary ``+`` marks the columns whose index the
planner must not use, so SQLite follows the plan chosen here. Column names come
from fixed strings only; every value is a bound parameter.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ...records import format_time
from ..filters import MentionFilter
from .fts import match_expression

# Every mentions query selects from this join, so that status and effective
# sentiment can be read and filtered on.
# The only column names a filter can put in SQL; user input never reaches them.
TIME_COLUMNS: dict[str, str] = {"created_at": "m.created_at", "collected_at": "m.collected_at"}
FROM_MENTIONS = "mentions AS m LEFT JOIN workflow AS w ON w.mention_id = m.id"
SELECT_MENTIONS = (
    "SELECT m.*, w.status AS wf_status, w.sentiment_override AS wf_override FROM " + FROM_MENTIONS
)
EFFECTIVE_SENTIMENT = "coalesce(w.sentiment_override, m.sentiment)"
# Below this many matches, driving from the set and sorting beats walking the time index.
DRIVE_LIMIT = 2000

# walk: time-ordered index walk; drive: from the chosen set; seq: from a seq range
# (live feeds); count: no order, let SQLite choose.
Shape = Literal["walk", "drive", "seq", "count"]


@dataclass(frozen=True, slots=True)
class SetFilter:
    """A filter by membership in a set of mentions, in its three SQL forms."""

    name: str
    members: str  # SELECT of the members' keys, for counting
    drive: str  # index-eligible condition: the set drives the query
    walk: str  # condition checked on each row of a walk
    params: tuple[Any, ...]
    # The drive condition also walks in time order (one value of an indexed column).
    ordered: bool = False
    # A mention may appear more than once among the members.
    repeats: bool = False


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def set_filters(f: MentionFilter) -> list[SetFilter]:
    """The set-membership filters of ``f`` (indexed columns count as sets too)."""
    sets: list[SetFilter] = []
    for name, column, values in (
        ("platforms", "platform", f.platforms),
        ("sources", "source", f.sources),
        ("langs", "lang", f.langs),
    ):
        if values:
            marks = _marks(values)
            members = f"SELECT seq FROM mentions WHERE {column} IN ({marks})"
            condition = f"m.{column} IN ({marks})"
            # Several values would make SQLite read them all and sort: check per row.
            walk = "+" + condition
            sets.append(
                SetFilter(name, members, condition, walk, tuple(values), ordered=len(values) == 1)
            )
    if f.topics:
        marks = _marks(f.topics)
        members = f"SELECT mention_seq FROM mention_topics WHERE topic IN ({marks})"
        walk = (
            "EXISTS (SELECT 1 FROM mention_topics AS t "
            f"WHERE t.mention_seq = m.seq AND t.topic IN ({marks}))"
        )
        drive = f"m.seq IN ({members})"
        sets.append(SetFilter("topics", members, drive, walk, tuple(f.topics), repeats=True))
    if f.tags:
        marks = _marks(f.tags)
        members = f"SELECT mention_id FROM tags WHERE tag IN ({marks})"
        walk = f"EXISTS (SELECT 1 FROM tags AS g WHERE g.mention_id = m.id AND g.tag IN ({marks}))"
        drive = f"m.id IN ({members})"
        sets.append(SetFilter("tags", members, drive, walk, tuple(f.tags), repeats=True))
    match = match_expression(f)
    if match is not None:
        members = "SELECT docid FROM mentions_fts WHERE mentions_fts MATCH ?"
        drive = f"m.seq IN ({members})"
        sets.append(SetFilter("text", members, drive, "+" + drive, (match,)))
    if f.statuses and "new" not in f.statuses:
        marks = _marks(f.statuses)
        members = f"SELECT mention_id FROM workflow WHERE status IN ({marks})"
        # Correlated, so that the walk stays on mentions; a join on workflow.status
        # lets SQLite scan workflow first once statistics say it is small.
        walk = (
            "EXISTS (SELECT 1 FROM workflow AS x "
            f"WHERE x.mention_id = m.id AND x.status IN ({marks}))"
        )
        drive = f"m.id IN ({members})"
        sets.append(SetFilter("statuses", members, drive, walk, tuple(f.statuses)))
    return sets


def choose_driver(conn: sqlite3.Connection, f: MentionFilter) -> str | None:
    """The smallest set filter with at most :data:`DRIVE_LIMIT` members, if any."""
    best: tuple[int, str] | None = None
    for s in set_filters(f):
        sql = f"SELECT count(*) FROM ({s.members} LIMIT {DRIVE_LIMIT + 1:d})"
        size = int(conn.execute(sql, s.params).fetchone()[0])
        if size <= DRIVE_LIMIT and (best is None or size < best[0]):
            best = (size, s.name)
    return None if best is None else best[1]


def time_expression(f: MentionFilter, shape: Shape) -> str:
    """The time column, with a unary ``+`` where its index must not drive the query."""
    column = TIME_COLUMNS[f.time_field]
    return column if shape in ("walk", "count") else "+" + column


def order_by(f: MentionFilter, shape: Shape) -> str:
    """``ORDER BY`` newest first by (time field, seq)."""
    return f" ORDER BY {time_expression(f, shape)} DESC, m.seq DESC"


def where_clauses(
    f: MentionFilter, shape: Shape, driver: str | None = None
) -> tuple[list[str], list[Any]]:
    """Conditions (ANDed) and their bound values for ``f`` over :data:`FROM_MENTIONS`."""
    clauses: list[str] = []
    params: list[Any] = []
    column = time_expression(f, shape)
    if f.since is not None:
        clauses.append(f"{column} >= ?")
        params.append(format_time(f.since))
    if f.until is not None:
        clauses.append(f"{column} < ?")
        params.append(format_time(f.until))
    if f.sentiments:
        clauses.append(f"{EFFECTIVE_SENTIMENT} IN ({_marks(f.sentiments)})")
        params.extend(f.sentiments)
    if f.statuses and "new" in f.statuses:
        clauses.append(f"(w.status IS NULL OR w.status IN ({_marks(f.statuses)}))")
        params.extend(f.statuses)
    for s in set_filters(f):
        drives = shape == "count" or s.name == driver or (shape == "walk" and s.ordered)
        clauses.append(s.drive if drives else s.walk)
        params.extend(s.params)
    return clauses, params


def where_sql(clauses: list[str]) -> str:
    """``WHERE a AND b`` (or nothing) from a list of conditions."""
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""
