"""Full-text search: what the user typed as an FTS5 query, and how a page of a search's matches is chosen.

Ranking by relevance (bm25) costs about 1.5 µs a match: the 100,000 matches of ``the`` took 150 ms. A search
matching more than ``RANK_LIMIT`` posts is listed newest first instead (its words are in so many posts that
they say little about any one). The first pages of such a search are found by walking the posts in date order
and asking the index about each (6 ms for ``the`` at 100,000 posts, against 38 ms for joining every match to
its date: ``walk_page``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from desktop.core.fts_text import for_query

RANK_LIMIT = 20_000  # matches: a search with more is listed newest first, not ranked
WALK_LIMIT = 500  # rows: the first of such a search are found by walking posts by date, newest first...
WALK_FACTOR = 4  # ...when at least one post in WALK_FACTOR matches


def fts_query(text: str) -> str | None:
    """An FTS5 query from what a user typed: words, ``prefix*`` and ``"quoted phrases"``.

    Every word becomes a quoted string so punctuation (``don't``, ``C++``, ``e-mail``) cannot break the
    query syntax; a trailing ``*`` keeps its prefix meaning; AND, OR and NOT stay operators. CJK text is
    asked for as the index holds it (``fts_text.for_query``): a word from inside a sentence is found.
    """
    parts: list[str] = []
    # A NUL would end the query string early inside SQLite ("unterminated string").
    tokens = text.replace("\x00", " ").replace("\u201c", '"').replace("\u201d", '"').split('"')
    for index, chunk in enumerate(tokens):
        if index % 2 == 1:  # inside quotes
            phrase, prefix = for_query(" ".join(chunk.split()))
            if phrase:
                parts.append(f'"{phrase}"' + ("*" if prefix else ""))
            continue
        for word in chunk.split():
            if word in ("AND", "OR", "NOT") and parts:
                parts.append(word)
                continue
            prefix = word.endswith("*")
            word = word.rstrip("*")
            if any(ch.isalnum() for ch in word):
                word, cjk_prefix = for_query(word)
                parts.append(f'"{word}"' + ("*" if prefix or cjk_prefix else ""))
    while parts and parts[-1] in ("AND", "OR", "NOT"):
        parts.pop()
    return " ".join(parts) or None


def count_matches(conn: sqlite3.Connection, query: str, cap: int) -> int:
    """How many posts the index says match ``query``, counting no further than ``cap`` (2 ms for 20,000)."""
    try:
        return int(conn.execute("SELECT count(*) FROM (SELECT 1 FROM posts_fts WHERE posts_fts MATCH ? LIMIT ?)",
                                (query, cap)).fetchone()[0])
    except sqlite3.OperationalError as error:
        if "fts5" in str(error):
            return 0
        raise


def search_page(query: str, sort_key: str, outer: str, where: str, params: list[Any],
                ranked: bool) -> tuple[str, list[Any]]:
    """The SELECT of one page of a search's post ids (pid, score; LIMIT and OFFSET left open), and its parameters.

    ``sort_key`` and ``outer`` are an entry of ``queries.ORDERS``; ``ranked`` when it is the relevance order.
    """
    inner = outer.replace("k.score", sort_key).replace("k.pid", "p.id")
    if not where and ranked:
        # Rank in the index alone: joining every match to its post row first would read thousands of
        # rows only to keep a hundred (most of a cold first search's time).
        inner = inner.replace("p.id", "f.rowid")
        page = (f"SELECT f.rowid AS pid, {sort_key} AS score FROM posts_fts f WHERE posts_fts MATCH ? "
                f"ORDER BY {inner} LIMIT ? OFFSET ?")
    else:
        page = (f"SELECT f.rowid AS pid, {sort_key} AS score FROM posts_fts f JOIN posts p "
                f"ON p.id = f.rowid WHERE posts_fts MATCH ? {where} ORDER BY {inner} LIMIT ? OFFSET ?")
    return page, [query, *params]


def walk_page(conn: sqlite3.Connection, query: str, where: str, params: list[Any], selective: bool,
              reach: int) -> tuple[str, list[Any], bool]:
    """The SELECT of a page of a search matching most posts, newest first, its parameters, and whether it is bounded.

    The posts are walked in date order and the index asked about each: no further than the newest ``reach``
    posts of the filter (``where``), so a page shorter than asked for from a bounded walk may have missed matches.
    """
    key = "+p.date_utc" if selective else "p.date_utc"
    bound = conn.execute(f"SELECT p.date_utc FROM posts p WHERE 1 {where} ORDER BY {key} DESC LIMIT 1 OFFSET ?",
                         (*params, reach - 1)).fetchone()
    since = "AND p.date_utc >= ?" if bound is not None else ""
    page = (f"SELECT p.id AS pid, p.date_utc AS score FROM posts p WHERE 1 {since} {where} AND EXISTS "
            "(SELECT 1 FROM posts_fts f WHERE posts_fts MATCH ? AND f.rowid = p.id) "
            f"ORDER BY {key} DESC, p.id DESC LIMIT ? OFFSET ?")
    return page, [*([bound[0]] if bound else []), *params, query], bound is not None
