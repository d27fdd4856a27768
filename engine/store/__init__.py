"""The SQLite mention store: schema, writes, workflow state and the read API."""

import os

from .facets import FacetField
from .filters import MentionFilter, TimeField
from .fts import fts_query
from .models import Note, Page, PageKey, StoredMention, StoredReject
from .query import RELEVANCE_CANDIDATES, SortOrder
from .schema import current_version
from .store import Store
from .views import SavedView
from .workflow import UnknownMention
from .writer import RejectLike


def open_store(location: str | os.PathLike[str], *, readonly: bool = False) -> Store:
    """Open the store at ``location`` (an SQLite file path), creating or upgrading it.

    ``readonly=True`` opens an existing, current store for reading only.

    Raises:
        StoreError: the store cannot be opened; the message names it.
    """
    return Store(location, readonly=readonly)


__all__ = [
    "RELEVANCE_CANDIDATES",
    "FacetField",
    "MentionFilter",
    "Note",
    "Page",
    "PageKey",
    "RejectLike",
    "SavedView",
    "SortOrder",
    "Store",
    "StoredMention",
    "StoredReject",
    "TimeField",
    "UnknownMention",
    "current_version",
    "fts_query",
    "open_store",
]
