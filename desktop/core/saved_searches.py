"""Saved searches: a query and the sidebar entry it was combined with, kept in the user's state file."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from desktop.core.queries import PostFilter


@dataclass(frozen=True)
class SavedSearch:
    """A search the user kept: its name, what was typed, and the filter it narrowed (without the text)."""

    id: int
    name: str
    query: str
    filter: PostFilter
    position: int

    @property
    def post_filter(self) -> PostFilter:
        """The filter with the search text: what the saved search lists."""
        return dataclasses.replace(self.filter, search=self.query or None)


def encode_filter(flt: PostFilter) -> str:
    """A filter (its search text left out) as the JSON the state file keeps."""
    return json.dumps(dataclasses.asdict(dataclasses.replace(flt, search=None)), sort_keys=True)


def decode_filter(text: str) -> PostFilter:
    """The filter ``encode_filter`` wrote; fields this version does not know are ignored."""
    try:
        data = json.loads(text)
    except ValueError:
        return PostFilter()
    if not isinstance(data, dict):
        return PostFilter()
    known = {f.name for f in dataclasses.fields(PostFilter)} - {"search"}
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
    try:
        return PostFilter(**fields)
    except TypeError:
        return PostFilter()


class SavedSearches:
    """The saved-search side of ``Library``: rows of ``state.saved_searches``, written at once."""

    _conn: sqlite3.Connection

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, in the user's order."""
        rows = self._conn.execute(
            "SELECT id, name, query, filter, position FROM state.saved_searches ORDER BY position, id").fetchall()
        return [SavedSearch(r[0], r[1], r[2], decode_filter(r[3]), r[4]) for r in rows]

    def save_search(self, name: str, flt: PostFilter) -> int:
        """Keep ``flt`` (its search text and the rest) under ``name``; returns the new entry's id."""
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            position = self._conn.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM state.saved_searches").fetchone()[0]
            cursor = self._conn.execute(
                "INSERT INTO state.saved_searches (name, query, filter, position) VALUES (?, ?, ?, ?)",
                (name, flt.search or "", encode_filter(flt), position))
        return int(cursor.lastrowid or 0)

    def rename_search(self, search_id: int, name: str) -> None:
        """Give a saved search another name."""
        self._conn.execute("UPDATE state.saved_searches SET name = ? WHERE id = ?", (name, search_id))

    def remove_search(self, search_id: int) -> None:
        """Forget a saved search (the posts it found stay)."""
        self._conn.execute("DELETE FROM state.saved_searches WHERE id = ?", (search_id,))
