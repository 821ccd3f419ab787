"""The ids of every post a filter matches, for acting on a whole list at once (Mark All as Read)."""

from __future__ import annotations

import sqlite3

from desktop.core.queries import PostFilter, Queries, fts_query


class Matching(Queries):
    """Whole-list queries: ids only, so a list of 100,000 posts costs one index walk, not 100,000 rows."""

    def post_ids(self, flt: PostFilter) -> list[int]:
        """Ids of all posts matching ``flt`` (search included), in no particular order."""
        where, params, _ = self._where(flt)
        if flt.search:
            query = fts_query(flt.search)
            if query is None:
                return []
            sql = f"SELECT p.id FROM posts_fts f JOIN posts p ON p.id = f.rowid WHERE posts_fts MATCH ? {where}"
            params = [query, *params]
        else:
            sql = f"SELECT p.id FROM posts p WHERE 1 {where}"
        try:
            return [row[0] for row in self._conn.execute(sql, params)]
        except sqlite3.OperationalError as error:
            if "fts5" in str(error):
                return []
            raise
