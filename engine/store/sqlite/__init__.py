"""The SQLite implementation of the Store: schema, migrations, SQL reads and writes.

Nothing outside this package issues SQL; docs/store.md documents the schema.
"""

from .fts import fts_query
from .reads import RELEVANCE_CANDIDATES
from .schema import current_version
from .store import SQLiteStore

__all__ = ["RELEVANCE_CANDIDATES", "SQLiteStore", "current_version", "fts_query"]
