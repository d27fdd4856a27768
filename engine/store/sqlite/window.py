"""Reading upwards: the page of mentions just newer than a key, for sliding feed windows."""

from __future__ import annotations

import sqlite3

from ..filters import MentionFilter
from ..models import PageKey, StoredMention
from .plan import SELECT_MENTIONS, Shape, choose_driver, time_expression, where_clauses, where_sql
from .reads import _check_limit, fetch_rows, hydrate


def page_before(
    conn: sqlite3.Connection, f: MentionFilter, before: PageKey, limit: int
) -> list[StoredMention]:
    """Up to ``limit`` mentions matching ``f`` just newer than ``before``, newest first.

    The mirror of :func:`~.query.page`: a feed that dropped rows from its top
    reads them back with this, from the key of its first remaining row.
    """
    _check_limit(limit)
    driver = choose_driver(conn, f)
    shape: Shape = "walk" if driver is None else "drive"
    clauses, params = where_clauses(f, shape, driver)
    column = time_expression(f, shape)
    clauses.append(f"({column}, m.seq) > (?, ?)")
    params.extend((before.time, before.seq))
    sql = f"{SELECT_MENTIONS}{where_sql(clauses)} ORDER BY {column} ASC, m.seq ASC LIMIT ?"
    rows = fetch_rows(conn, sql, [*params, limit])
    rows.reverse()
    return hydrate(conn, rows)
