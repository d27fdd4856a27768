"""The mention store: the Store interface, its filters and records, and how to open one.

``open_store(location)`` returns the implementation for a location; today an SQLite
file path (:class:`~.sqlite.SQLiteStore`). Code outside this package reaches the
store only through :class:`Store` and the names exported here.
"""

from __future__ import annotations

import os

from .filters import FacetField, MentionFilter, SortOrder, TimeField
from .interface import Store
from .models import Note, Page, PageKey, SavedView, StoredMention, UnknownMention


def open_store(location: str | os.PathLike[str], *, readonly: bool = False) -> Store:
    """Open the store at ``location`` (an SQLite file path), creating or upgrading it.

    ``readonly=True`` opens an existing store of the current schema for reading only.

    Raises:
        StoreError: the store cannot be opened, or is of another schema version;
            the message names it and says what to do.
    """
    from .sqlite import SQLiteStore

    return SQLiteStore(location, readonly=readonly)


def schema_version() -> int:
    """The schema version this ecoute writes."""
    from .sqlite import current_version

    return current_version()


__all__ = [
    "FacetField",
    "MentionFilter",
    "Note",
    "Page",
    "PageKey",
    "SavedView",
    "SortOrder",
    "Store",
    "StoredMention",
    "TimeField",
    "UnknownMention",
    "open_store",
    "schema_version",
]
