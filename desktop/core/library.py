"""The library: one SQLite file holding every imported post, term, author and media item.

``Library`` owns the schema (numbered migrations recorded in ``user_version``), the writes the importer
makes, and the queries the window and the CLI run. Each connection belongs to one thread: the importer
opens its own ``Library`` on the same file, and readers see its commits through WAL.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from desktop.core import taxonomy
from desktop.core.formats.rest_json import Author, Media, Post, search_text

APPLICATION_ID = 0x41425257  # "ABRW": marks the file as an Article Browser library
FILE_NAME = "library.sqlite3"
BUSY_TIMEOUT_MS = 10_000
# order name → (sort expression, ORDER BY over the page's k.score and k.pid)
ORDERS = {
    "relevance": ("bm25(posts_fts, 10.0, 1.0, 2.0, 3.0, 5.0)", "k.score, k.pid"),
    "newest": ("p.date_utc", "k.score DESC, k.pid DESC"),
    "oldest": ("p.date_utc", "k.score, k.pid"),
    "title": ("p.title COLLATE NOCASE", "k.score COLLATE NOCASE, k.pid"),
    "title_desc": ("p.title COLLATE NOCASE", "k.score COLLATE NOCASE DESC, k.pid DESC"),
}
LARGE_TERM = 2_000  # posts: above this a term filter walks the date index instead of the term's post list


class LibraryError(Exception):
    """The library file cannot be used; the message says why. The file was not modified."""


# -- schema ------------------------------------------------------------------------------------------------

_SCHEMA_1 = f"""
PRAGMA application_id = {APPLICATION_ID};
CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    host TEXT NOT NULL UNIQUE,
    utc_offset INTEGER                      -- seconds east of UTC, learned from posts with both dates
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    wp_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    date_utc INTEGER,                       -- seconds since the epoch
    date_local TEXT,                        -- the site's wall-clock time as WordPress wrote it
    date_is_local INTEGER NOT NULL DEFAULT 0, -- date_utc is local time: the site's offset is unknown
    modified TEXT,
    slug TEXT,
    status TEXT,
    link TEXT,
    author_id INTEGER,
    excerpt TEXT NOT NULL,
    protected INTEGER NOT NULL,
    featured_media INTEGER,
    richness INTEGER NOT NULL,
    source TEXT,                            -- the file it was last imported from
    imported_at INTEGER NOT NULL,
    UNIQUE (site_id, type, wp_id)
);
CREATE INDEX posts_by_date ON posts (date_utc);
CREATE INDEX posts_by_author ON posts (site_id, author_id);
CREATE INDEX posts_with_local_dates ON posts (site_id) WHERE date_is_local;
CREATE TABLE post_raw (
    post_id INTEGER PRIMARY KEY,
    raw TEXT NOT NULL                       -- the post's JSON object exactly as imported
);
CREATE TABLE post_state (
    post_id INTEGER PRIMARY KEY,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE terms (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL,
    taxonomy TEXT NOT NULL,
    wp_id INTEGER,
    slug TEXT,
    name TEXT,
    quality INTEGER NOT NULL,               -- taxonomy.NAME_*: a better source replaces the name
    parent_wp_id INTEGER,
    raw TEXT
);
CREATE UNIQUE INDEX terms_by_wp_id ON terms (site_id, taxonomy, wp_id) WHERE wp_id IS NOT NULL;
CREATE INDEX terms_by_slug ON terms (site_id, taxonomy, slug) WHERE slug IS NOT NULL;
CREATE TABLE post_terms (
    post_id INTEGER NOT NULL,
    term_id INTEGER NOT NULL,
    PRIMARY KEY (post_id, term_id)
) WITHOUT ROWID;
CREATE INDEX post_terms_by_term ON post_terms (term_id, post_id);
CREATE TABLE authors (
    site_id INTEGER NOT NULL,
    wp_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    slug TEXT,
    link TEXT,
    quality INTEGER NOT NULL,
    raw TEXT,
    PRIMARY KEY (site_id, wp_id)
) WITHOUT ROWID;
CREATE TABLE media (
    site_id INTEGER NOT NULL,
    wp_id INTEGER NOT NULL,
    url TEXT,
    alt TEXT NOT NULL,
    caption TEXT NOT NULL,
    mime TEXT,
    width INTEGER,
    height INTEGER,
    raw TEXT,
    PRIMARY KEY (site_id, wp_id)
) WITHOUT ROWID;
"""

_SCHEMA_2 = """
CREATE VIRTUAL TABLE posts_fts USING fts5 (
    title, body, excerpt, author, terms,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Merge index segments 8 at a time, not 4: a per-file commit writes a segment, and merging less eagerly
-- took a 20,000-post import from 12.9 s to 10.8 s here with no change in search times.
INSERT INTO posts_fts (posts_fts, rank) VALUES ('automerge', 8);
"""


def _fill_search_index(conn: sqlite3.Connection) -> None:
    """Migration 2's data step: index the posts a version-1 library already holds."""
    rows = conn.execute(
        "SELECT p.id, p.title, p.excerpt, r.raw, a.name FROM posts p JOIN post_raw r ON r.post_id = p.id "
        "LEFT JOIN authors a ON a.site_id = p.site_id AND a.wp_id = p.author_id"
    ).fetchall()
    for post_id, title, excerpt, raw, author in rows:
        content = json.loads(raw).get("content")
        rendered = content.get("rendered", "") if isinstance(content, dict) else content
        conn.execute(
            "INSERT INTO posts_fts (rowid, title, body, excerpt, author, terms) VALUES (?, ?, ?, ?, ?, ?)",
            (post_id, title, search_text(rendered or ""), excerpt, author or "", _term_text(conn, post_id)),
        )


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        # executescript() would commit the open transaction first, so each statement runs on its own.
        for statement in sql.split(";\n"):
            if statement.strip():
                conn.execute(statement)

    return run


# Step n takes the library from version n to n + 1; _migrate() runs each in one transaction.
def _add_search_index(conn: sqlite3.Connection) -> None:
    _script(_SCHEMA_2)(conn)
    _fill_search_index(conn)


_SCHEMA_3 = """
CREATE INDEX posts_by_title ON posts (title COLLATE NOCASE);
"""

_SCHEMA_4 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('generation', 0);
CREATE TABLE cache (name TEXT PRIMARY KEY, generation INTEGER NOT NULL, data TEXT NOT NULL) WITHOUT ROWID;
"""

_SCHEMA_5 = """
CREATE INDEX posts_by_site_date ON posts (site_id, date_utc);
"""

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _script(_SCHEMA_1), _add_search_index, _script(_SCHEMA_3), _script(_SCHEMA_4), _script(_SCHEMA_5),
]
SCHEMA_VERSION = len(MIGRATIONS)


def _term_text(conn: sqlite3.Connection, post_id: int) -> str:
    row = conn.execute(
        "SELECT group_concat(t.name, ' ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id "
        "WHERE pt.post_id = ? AND t.name IS NOT NULL",
        (post_id,),
    ).fetchone()
    return row[0] or ""


# -- query values ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostFilter:
    """Which posts a list shows. Every field narrows the list; the default is every post."""

    term_ids: tuple[int, ...] = ()  # posts in any of these terms
    tag_ids: tuple[int, ...] = ()  # ...and in any of these
    no_category: bool = False  # posts with no category at all
    site_id: int | None = None
    types: tuple[str, ...] = ()
    since: int | None = None  # UTC seconds, inclusive
    until: int | None = None  # UTC seconds, exclusive
    unread: bool = False
    starred: bool = False
    search: str | None = None  # what the user typed; see fts_query()


@dataclass(frozen=True)
class PostRow:
    """One post as a list shows it."""

    id: int
    site: str
    type: str
    wp_id: int
    title: str
    date_utc: int | None
    date_local: str | None
    date_is_local: bool
    author: str | None
    link: str | None
    excerpt: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    read: bool
    starred: bool


@dataclass(frozen=True)
class TermInfo:
    """A term as filters and trees see it."""

    id: int
    site: str
    taxonomy: str
    wp_id: int | None
    slug: str | None
    name: str
    parent_wp_id: int | None
    count: int
    named: bool = True  # False when only the id is known (the name shown is "#id")


@dataclass
class WriteStats:
    """What the writes of one file changed, for its summary line."""

    renamed_terms: set[int] = field(default_factory=set)
    renamed_authors: set[tuple[int, int]] = field(default_factory=set)
    sites_with_offsets: set[int] = field(default_factory=set)


_POST_COLUMNS = (
    "p.id, s.host, p.type, p.wp_id, p.title, p.date_utc, p.date_local, p.date_is_local, a.name, p.link, "
    "p.excerpt, "
    "(SELECT group_concat(t.name, char(31)) FROM post_terms pt JOIN terms t ON t.id = pt.term_id "
    " WHERE pt.post_id = p.id AND t.taxonomy = 'category' AND t.name IS NOT NULL), "
    "(SELECT group_concat(t.name, char(31)) FROM post_terms pt JOIN terms t ON t.id = pt.term_id "
    " WHERE pt.post_id = p.id AND t.taxonomy = 'post_tag' AND t.name IS NOT NULL), "
    "coalesce(st.read, 0), coalesce(st.starred, 0)"
)
_POST_JOINS = (
    "JOIN sites s ON s.id = p.site_id "
    "LEFT JOIN authors a ON a.site_id = p.site_id AND a.wp_id = p.author_id "
    "LEFT JOIN post_state st ON st.post_id = p.id"
)


def _post_row(row: Sequence[Any]) -> PostRow:
    return PostRow(
        id=row[0], site=row[1], type=row[2], wp_id=row[3], title=row[4], date_utc=row[5], date_local=row[6],
        date_is_local=bool(row[7]), author=row[8], link=row[9], excerpt=row[10],
        categories=tuple(sorted(row[11].split("\x1f"), key=str.casefold)) if row[11] else (),
        tags=tuple(sorted(row[12].split("\x1f"), key=str.casefold)) if row[12] else (),
        read=bool(row[13]), starred=bool(row[14]),
    )


def fts_query(text: str) -> str | None:
    """An FTS5 query from what a user typed: words, ``prefix*`` and ``"quoted phrases"``.

    Every word becomes a quoted string so punctuation (``don't``, ``C++``, ``e-mail``) cannot break the
    query syntax; a trailing ``*`` keeps its prefix meaning; AND, OR and NOT stay operators.
    """
    parts: list[str] = []
    tokens = text.replace("\u201c", '"').replace("\u201d", '"').split('"')
    for index, chunk in enumerate(tokens):
        if index % 2 == 1:  # inside quotes
            words = chunk.split()
            if words:
                parts.append('"' + " ".join(w.replace('"', "") for w in words) + '"')
            continue
        for word in chunk.split():
            if word in ("AND", "OR", "NOT") and parts:
                parts.append(word)
                continue
            prefix = word.endswith("*")
            word = word.rstrip("*")
            if any(ch.isalnum() for ch in word):
                parts.append(f'"{word}"' + ("*" if prefix else ""))
    while parts and parts[-1] in ("AND", "OR", "NOT"):
        parts.pop()
    return " ".join(parts) or None


# -- the library -------------------------------------------------------------------------------------------


class Library:
    """One connection to a library file; not shared between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._conn = conn
        self.path = path
        self._site_ids: dict[str, int] = {}
        # (site, taxonomy, "id" or "slug", id or slug) → (row id, name quality, slug, name) of terms seen
        self._term_cache: dict[tuple[int, str, str, Any], tuple[int, int, str | None, str | None]] = {}
        self._author_cache: dict[tuple[int, int], tuple[str, int]] = {}
        self._offsets: dict[int, int | None] = {}  # site id → learned UTC offset

    # -- opening ---------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Library:
        """Open the library file at ``path`` (a file, or a folder holding ``library.sqlite3``).

        A missing file is created when ``create`` is true. A file written by a newer version, a damaged
        file, or a SQLite file that is not an Article Browser library raises ``LibraryError`` and is left
        untouched.
        """
        if path.is_dir() or not path.suffix:
            path = path / FILE_NAME
        if path.exists():
            _check_file(path)
        elif not create:
            raise LibraryError(f"{path}: there is no library here")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(str(path))
        try:
            _use_wal(conn, path)
            conn.execute("PRAGMA synchronous = NORMAL")
            # Checkpoint every 64 MB of WAL rather than 4 MB: pages an import rewrites again and again (the
            # search index) are copied into the database once per checkpoint. 20,000 posts imported in
            # 9.8 s instead of 11.6 s here (mean of 3 runs each).
            conn.execute("PRAGMA wal_autocheckpoint = 16384")
            _migrate(conn, path)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    @classmethod
    def in_memory(cls) -> Library:
        """A library that lives in memory only, for tests."""
        conn = _connect(":memory:")
        _migrate(conn, None)
        return cls(conn, None)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    # -- transactions ----------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[WriteStats]:
        """Everything written inside is committed together, or not at all."""
        self._conn.execute("BEGIN IMMEDIATE")
        stats = WriteStats()
        try:
            yield stats
            self._finish(stats)
        except BaseException:
            self._conn.execute("ROLLBACK")
            self._term_cache.clear()
            self._author_cache.clear()
            self._site_ids.clear()
            self._offsets.clear()
            raise
        self._bump_generation()
        self._conn.execute("COMMIT")

    def _finish(self, stats: WriteStats) -> None:
        """Bring what depends on renamed terms and authors, and on learned offsets, up to date."""
        execute = self._conn.execute
        if stats.renamed_terms:
            marks = ",".join("?" * len(stats.renamed_terms))
            post_ids = [r[0] for r in execute(
                f"SELECT DISTINCT post_id FROM post_terms WHERE term_id IN ({marks})", tuple(stats.renamed_terms))]
            for post_id in post_ids:
                execute("UPDATE posts_fts SET terms = ? WHERE rowid = ?", (_term_text(self._conn, post_id), post_id))
        for site_id, author_id in stats.renamed_authors:
            name = self._author_cache.get((site_id, author_id), ("", 0))[0]
            execute(
                "UPDATE posts_fts SET author = ? WHERE rowid IN "
                "(SELECT id FROM posts WHERE site_id = ? AND author_id = ?)", (name, site_id, author_id))
        for site_id in stats.sites_with_offsets:
            execute(
                "UPDATE posts SET date_utc = date_utc - (SELECT utc_offset FROM sites WHERE id = ?), "
                "date_is_local = 0 WHERE site_id = ? AND date_is_local", (site_id, site_id))

    # -- writes (inside transaction()) -----------------------------------------------------------------
    def site_id(self, host: str) -> int:
        """The row id of a site, created on first use."""
        cached = self._site_ids.get(host)
        if cached is not None:
            return cached
        row = self._conn.execute("SELECT id FROM sites WHERE host = ?", (host,)).fetchone()
        site_id = row[0] if row else self._conn.execute("INSERT INTO sites (host) VALUES (?)", (host,)).lastrowid
        assert site_id is not None
        self._site_ids[host] = site_id
        return site_id

    def store_post(self, post: Post, source: str, stats: WriteStats) -> str:
        """Insert or update a post; returns "new", "updated", "unchanged" or "older"."""
        execute = self._conn.execute
        site_id = self.site_id(post.site)
        for author in post.authors:
            self.store_author(author, stats)
        row = execute(
            "SELECT id, modified, richness FROM posts WHERE site_id = ? AND type = ? AND wp_id = ?",
            (site_id, post.type, post.wp_id),
        ).fetchone()
        if row is not None:
            outcome = self._compare(row, post)
            if outcome != "updated":
                return outcome
        date_utc = post.date_utc
        date_is_local = post.date_is_local
        if site_id not in self._offsets:
            self._offsets[site_id] = execute("SELECT utc_offset FROM sites WHERE id = ?", (site_id,)).fetchone()[0]
        if post.utc_offset is not None and post.utc_offset != self._offsets[site_id]:
            execute("UPDATE sites SET utc_offset = ? WHERE id = ?", (post.utc_offset, site_id))
            self._offsets[site_id] = post.utc_offset
            stats.sites_with_offsets.add(site_id)
        elif date_is_local and date_utc is not None:
            known = self._offsets[site_id]
            if known is not None:
                date_utc, date_is_local = date_utc - known, False
        values = (post.title, date_utc, post.date_local, date_is_local, post.modified, post.slug, post.status,
                  post.link, post.author_id, post.excerpt, post.protected, post.featured_media, post.richness,
                  source, int(time.time()))
        if row is None:
            post_id = execute(
                "INSERT INTO posts (title, date_utc, date_local, date_is_local, modified, slug, status, link, "
                "author_id, excerpt, protected, featured_media, richness, source, imported_at, site_id, type, "
                "wp_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, site_id, post.type, post.wp_id),
            ).lastrowid
            assert post_id is not None
            execute("INSERT INTO post_raw (post_id, raw) VALUES (?, ?)", (post_id, post.raw))
        else:
            post_id = row[0]
            execute(
                "UPDATE posts SET title = ?, date_utc = ?, date_local = ?, date_is_local = ?, modified = ?, "
                "slug = ?, status = ?, link = ?, author_id = ?, excerpt = ?, protected = ?, featured_media = ?, "
                "richness = ?, source = ?, imported_at = ? WHERE id = ?",
                (*values, post_id),
            )
            execute("UPDATE post_raw SET raw = ? WHERE post_id = ?", (post.raw, post_id))
            execute("DELETE FROM post_terms WHERE post_id = ?", (post_id,))
            execute("DELETE FROM posts_fts WHERE rowid = ?", (post_id,))
        names: list[str] = []
        links: set[tuple[int, int]] = set()
        for ref in post.terms:
            term_id, name = self.store_term(site_id, ref, None, stats)
            links.add((post_id, term_id))
            if name:
                names.append(name)
        self._conn.executemany("INSERT INTO post_terms (post_id, term_id) VALUES (?, ?)", links)
        author_name = self._author_name(site_id, post.author_id)
        execute(
            "INSERT INTO posts_fts (rowid, title, body, excerpt, author, terms) VALUES (?, ?, ?, ?, ?, ?)",
            (post_id, post.title, post.content_text, post.excerpt, author_name, " ".join(names)),
        )
        return "new" if row is None else "updated"

    def _compare(self, row: Sequence[Any], post: Post) -> str:
        """Whether a post already stored as ``row`` (id, modified, richness) should be replaced."""
        _, stored_modified, stored_richness = row
        if post.modified and stored_modified and post.modified != stored_modified:
            return "updated" if post.modified > stored_modified else "older"
        if post.modified is None and stored_modified:
            return "older"
        stored_raw = self._conn.execute("SELECT raw FROM post_raw WHERE post_id = ?", (row[0],)).fetchone()[0]
        if stored_raw == post.raw:
            return "unchanged"
        # The same version seen again: keep the more complete copy (with content, with _embedded).
        if post.modified is not None or post.richness != stored_richness:
            return "updated" if post.richness > stored_richness else "unchanged"
        return "updated"  # no version information at all: the newest import wins

    def store_term(self, site_id: int, ref: taxonomy.TermRef, raw: str | None, stats: WriteStats) -> tuple[int, str]:
        """Merge what ``ref`` says into the library's terms; returns the term's row id and best name."""
        key = (site_id, ref.taxonomy, "id" if ref.wp_id is not None else "slug", ref.wp_id or ref.slug)
        cached = self._term_cache.get(key)
        if cached is not None and raw is None and ref.quality <= cached[1] and ref.slug in (None, cached[2]):
            return cached[0], cached[3] or ""
        execute = self._conn.execute
        columns = "id, wp_id, slug, name, quality, parent_wp_id"
        by_id = by_slug = None
        if ref.wp_id is not None:
            by_id = execute(f"SELECT {columns} FROM terms WHERE site_id = ? AND taxonomy = ? AND wp_id = ?",
                            (site_id, ref.taxonomy, ref.wp_id)).fetchone()
        if ref.slug is not None:
            by_slug = execute(
                f"SELECT {columns} FROM terms WHERE site_id = ? AND taxonomy = ? AND slug = ? "
                "AND wp_id IS NULL", (site_id, ref.taxonomy, ref.slug)).fetchone()
        if by_id is None and by_slug is None:
            term_id = execute(
                "INSERT INTO terms (site_id, taxonomy, wp_id, slug, name, quality, parent_wp_id, raw) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (site_id, ref.taxonomy, ref.wp_id, ref.slug, ref.name, ref.quality, ref.parent, raw),
            ).lastrowid
            assert term_id is not None
            self._term_cache[key] = (term_id, ref.quality, ref.slug, ref.name)
            return term_id, ref.name or ""
        target = by_id or by_slug
        assert target is not None
        term_id, _, slug, name, quality, parent = target
        if by_id is not None and by_slug is not None:
            # A term first known only by its slug (from class_list) turns out to be this id: one term.
            execute("INSERT OR IGNORE INTO post_terms (post_id, term_id) SELECT post_id, ? FROM post_terms "
                    "WHERE term_id = ?", (term_id, by_slug[0]))
            execute("DELETE FROM post_terms WHERE term_id = ?", (by_slug[0],))
            execute("DELETE FROM terms WHERE id = ?", (by_slug[0],))
            self._term_cache.clear()
            if by_slug[4] > quality:
                name, quality = by_slug[3], by_slug[4]
            stats.renamed_terms.add(term_id)
        better = ref.quality > quality or (ref.quality == quality >= taxonomy.NAME_EMBEDDED and ref.name != name)
        new_name = ref.name if better and ref.name else name
        new_slug = ref.slug if (better or slug is None) and ref.slug else slug
        new_parent = ref.parent if ref.quality >= taxonomy.NAME_EMBEDDED and ref.parent is not None else parent
        new_quality = max(quality, ref.quality)
        gains_id = target[1] is None and ref.wp_id is not None
        if (new_name, new_slug, new_parent, new_quality) != (name, slug, parent, quality) or gains_id or raw:
            execute("UPDATE terms SET wp_id = coalesce(wp_id, ?), slug = ?, name = ?, quality = ?, "
                    "parent_wp_id = ?, raw = coalesce(?, raw) WHERE id = ?",
                    (ref.wp_id, new_slug, new_name, new_quality, new_parent, raw, term_id))
        if _words(new_name) != _words(name):
            stats.renamed_terms.add(term_id)
        self._term_cache[key] = (term_id, new_quality, new_slug, new_name)
        return term_id, new_name or ""

    def store_author(self, author: Author, stats: WriteStats) -> None:
        """Record a user's name; a better or newer source replaces the name everywhere."""
        site_id = self.site_id(author.site)
        key = (site_id, author.wp_id)
        cached = self._author_cache.get(key)
        if cached is not None and author.raw is None and (cached[0] == author.name or author.quality < cached[1]):
            return
        row = self._conn.execute("SELECT name, quality FROM authors WHERE site_id = ? AND wp_id = ?", key).fetchone()
        if row is None:
            self._conn.execute(
                "INSERT INTO authors (site_id, wp_id, name, slug, link, quality, raw) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*key, author.name, author.slug, author.link, author.quality, author.raw))
            if self._conn.execute("SELECT 1 FROM posts WHERE site_id = ? AND author_id = ? LIMIT 1", key).fetchone():
                stats.renamed_authors.add(key)  # posts imported before their author was named
        elif author.quality >= row[1]:
            self._conn.execute(
                "UPDATE authors SET name = ?, slug = coalesce(?, slug), link = coalesce(?, link), quality = ?, "
                "raw = coalesce(?, raw) WHERE site_id = ? AND wp_id = ?",
                (author.name, author.slug, author.link, author.quality, author.raw, *key))
            if _words(row[0]) != _words(author.name):
                stats.renamed_authors.add(key)
        else:
            self._author_cache[key] = (row[0], row[1])
            return
        self._author_cache[key] = (author.name, author.quality)

    def _author_name(self, site_id: int, author_id: int | None) -> str:
        if author_id is None:
            return ""
        cached = self._author_cache.get((site_id, author_id))
        if cached is not None:
            return cached[0]
        row = self._conn.execute("SELECT name, quality FROM authors WHERE site_id = ? AND wp_id = ?",
                                 (site_id, author_id)).fetchone()
        if row is None:
            return ""
        self._author_cache[(site_id, author_id)] = (row[0], row[1])
        return str(row[0])

    def store_media(self, media: Media) -> None:
        """Record a media item; an embedded copy never replaces what a media list said."""
        self._conn.execute(
            "INSERT INTO media (site_id, wp_id, url, alt, caption, mime, width, height, raw) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, wp_id) DO UPDATE SET "
            "url = coalesce(excluded.url, url), alt = iif(excluded.alt = '', alt, excluded.alt), "
            "caption = iif(excluded.caption = '', caption, excluded.caption), mime = coalesce(excluded.mime, mime), "
            "width = coalesce(excluded.width, width), height = coalesce(excluded.height, height), "
            "raw = coalesce(excluded.raw, raw)",
            (self.site_id(media.site), media.wp_id, media.url, media.alt, media.caption, media.mime,
             media.width, media.height, media.raw),
        )

    def posts_by_authors(self, keys: Sequence[tuple[str, int]]) -> int:
        """How many posts the given (site, author id) pairs wrote."""
        return self._count_by_site("author_id", keys)

    def posts_featuring(self, keys: Sequence[tuple[str, int]]) -> int:
        """How many posts use the given (site, media id) pairs as their featured image."""
        return self._count_by_site("featured_media", keys)

    def _count_by_site(self, column: str, keys: Sequence[tuple[str, int]]) -> int:
        return sum(self._conn.execute(
            f"SELECT count(*) FROM posts p JOIN sites s ON s.id = p.site_id WHERE s.host = ? AND p.{column} = ?",
            key).fetchone()[0] for key in keys)

    def _term_links(self, term_ids: Sequence[int]) -> int:
        """Posts linked to the terms, counting a post once per term (an index-only count)."""
        marks = ",".join("?" * len(term_ids))
        return int(self._conn.execute(f"SELECT count(*) FROM post_terms WHERE term_id IN ({marks})",
                                      tuple(term_ids)).fetchone()[0])

    # -- what changed ----------------------------------------------------------------------------------
    def _bump_generation(self) -> None:
        self._conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")

    def generation(self) -> int:
        """A number that grows with every change to the library's content (imports, deletions)."""
        return int(self._conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])

    def cached(self, name: str, generation: int) -> str | None:
        """What ``remember`` stored under ``name`` for this generation of the library, if anything."""
        row = self._conn.execute("SELECT data FROM cache WHERE name = ? AND generation = ?",
                                 (name, generation)).fetchone()
        return row[0] if row else None

    def remember(self, name: str, generation: int, data: str) -> None:
        """Store derived data for one generation; skipped, not waited for, while an import holds the lock."""
        self._conn.execute("PRAGMA busy_timeout = 0")
        try:
            self._conn.execute("INSERT OR REPLACE INTO cache (name, generation, data) VALUES (?, ?, ?)",
                               (name, generation, data))
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def term_counts(self) -> dict[int, int]:
        """Posts per term row id."""
        return dict(self._conn.execute("SELECT term_id, count(*) FROM post_terms GROUP BY term_id").fetchall())

    def posts_in_terms(self, term_ids: Sequence[int]) -> int:
        """How many posts carry any of the given terms."""
        if len(term_ids) <= 1:
            return self._term_links(term_ids) if term_ids else 0
        marks = ",".join("?" * len(term_ids))
        return int(self._conn.execute(
            f"SELECT count(DISTINCT post_id) FROM post_terms WHERE term_id IN ({marks})", tuple(term_ids)
        ).fetchone()[0])

    # -- reading ---------------------------------------------------------------------------------------
    def list_posts(self, flt: PostFilter = PostFilter(), limit: int = 100, offset: int = 0,
                   order: str | None = None) -> list[PostRow]:
        """Posts matching ``flt`` in ``order`` (one of ``ORDERS``).

        By default newest first, or best match first when searching. The page of ids is chosen first and
        only its rows are filled in, so the cost of the columns does not grow with the number of matches.
        """
        order = order or ("relevance" if flt.search else "newest")
        if order not in ORDERS or (order == "relevance" and not flt.search):
            raise ValueError(f"unknown order {order!r}")
        where, params, selective = self._where(flt)
        sort_key, outer = ORDERS[order]
        if flt.search:
            query = fts_query(flt.search)
            if query is None:
                return []
            inner = outer.replace("k.score", sort_key).replace("k.pid", "p.id")
            if not where and order == "relevance":
                # Rank in the index alone: joining every match to its post row first would read thousands of
                # rows only to keep a hundred (most of a cold first search's time).
                inner = inner.replace("p.id", "f.rowid")
                page = (f"SELECT f.rowid AS pid, {sort_key} AS score FROM posts_fts f WHERE posts_fts MATCH ? "
                        f"ORDER BY {inner} LIMIT ? OFFSET ?")
            else:
                page = (f"SELECT f.rowid AS pid, {sort_key} AS score FROM posts_fts f JOIN posts p "
                        f"ON p.id = f.rowid WHERE posts_fts MATCH ? {where} ORDER BY {inner} LIMIT ? OFFSET ?")
            params = [query, *params]
        else:
            # A unary + keeps SQLite from walking an index in sort order when the filter picks few posts.
            key = "+" + sort_key if selective else sort_key
            page = (f"SELECT p.id AS pid, {sort_key} AS score FROM posts p WHERE 1 {where} "
                    f"ORDER BY {outer.replace('k.score', key).replace('k.pid', 'p.id')} LIMIT ? OFFSET ?")
        sql = f"SELECT {_POST_COLUMNS} FROM ({page}) k JOIN posts p ON p.id = k.pid {_POST_JOINS} ORDER BY {outer}"
        try:
            rows = self._conn.execute(sql, (*params, limit, offset)).fetchall()
        except sqlite3.OperationalError as error:
            if "fts5" in str(error):
                return []
            raise
        return [_post_row(r) for r in rows]

    def count_posts(self, flt: PostFilter = PostFilter()) -> int:
        """How many posts match ``flt``."""
        if flt == PostFilter(term_ids=flt.term_ids) and flt.term_ids:
            return self.posts_in_terms(flt.term_ids)
        where, params, _ = self._where(flt)
        if flt.search:
            query = fts_query(flt.search)
            if query is None:
                return 0
            if not where:
                sql = "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?"
            else:
                sql = (f"SELECT count(*) FROM posts_fts f JOIN posts p ON p.id = f.rowid WHERE posts_fts MATCH ? "
                       f"{where}")
            params = [query, *params]
        else:
            sql = f"SELECT count(*) FROM posts p WHERE 1 {where}"
        try:
            return int(self._conn.execute(sql, params).fetchone()[0])
        except sqlite3.OperationalError as error:
            if "fts5" in str(error):
                return 0
            raise

    def _where(self, flt: PostFilter) -> tuple[str, list[Any], bool]:
        """SQL conditions for ``flt``, their parameters, and whether the filter is selective.

        Selective filters pick few enough posts that sorting them beats walking the date index.
        """
        clauses: list[str] = []
        params: list[Any] = []
        selective = False
        for ids in (flt.term_ids, flt.tag_ids):
            if ids:
                marks = ",".join("?" * len(ids))
                if self._term_links(ids) > LARGE_TERM:
                    # Common terms: walk posts newest first and stop at the page's end.
                    clauses.append(f"EXISTS (SELECT 1 FROM post_terms x WHERE x.post_id = p.id "
                                   f"AND x.term_id IN ({marks}))")
                else:  # rare terms: start from the term's few posts
                    clauses.append(f"p.id IN (SELECT post_id FROM post_terms WHERE term_id IN ({marks}))")
                    selective = True
                params.extend(ids)
        if flt.no_category:
            clauses.append("p.type = 'post' AND NOT EXISTS (SELECT 1 FROM post_terms pt JOIN terms t "
                           "ON t.id = pt.term_id WHERE pt.post_id = p.id AND t.taxonomy = 'category')")
        if flt.site_id is not None:
            clauses.append("p.site_id = ?")
            params.append(flt.site_id)
        if flt.types:
            clauses.append(f"p.type IN ({','.join('?' * len(flt.types))})")
            params.extend(flt.types)
        if flt.since is not None:
            clauses.append("p.date_utc >= ?")
            params.append(flt.since)
        if flt.until is not None:
            clauses.append("p.date_utc < ?")
            params.append(flt.until)
        if flt.unread:
            clauses.append("NOT EXISTS (SELECT 1 FROM post_state x WHERE x.post_id = p.id AND x.read)")
        if flt.starred:
            clauses.append("p.id IN (SELECT post_id FROM post_state WHERE starred)")
            selective = True
        return "".join(f" AND {c}" for c in clauses), params, selective

    def post(self, post_id: int) -> PostRow | None:
        """One post by its row id."""
        row = self._conn.execute(f"SELECT {_POST_COLUMNS} FROM posts p {_POST_JOINS} WHERE p.id = ?",
                                 (post_id,)).fetchone()
        return _post_row(row) if row else None

    def post_terms(self, post_id: int) -> list[tuple[str, int, str]]:
        """(taxonomy, term id, name) of a post's named terms, by name."""
        rows = self._conn.execute(
            "SELECT t.taxonomy, t.id, t.name FROM post_terms pt JOIN terms t ON t.id = pt.term_id "
            "WHERE pt.post_id = ? AND t.name IS NOT NULL", (post_id,)).fetchall()
        return sorted(((r[0], r[1], r[2]) for r in rows), key=lambda r: (r[0], r[2].casefold()))

    def featured_image(self, post_id: int) -> tuple[str, str] | None:
        """The URL and alt text of a post's featured image, when a media list or ``_embed`` named it."""
        row = self._conn.execute(
            "SELECT m.url, m.alt FROM posts p JOIN media m ON m.site_id = p.site_id AND m.wp_id = p.featured_media "
            "WHERE p.id = ? AND m.url IS NOT NULL", (post_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def raw_json(self, post_id: int) -> str | None:
        """The post's JSON object exactly as it was imported."""
        row = self._conn.execute("SELECT raw FROM post_raw WHERE post_id = ?", (post_id,)).fetchone()
        return row[0] if row else None

    def terms(self, taxonomy_name: str | None = None, site: str | None = None,
              counts: dict[int, int] | None = None) -> list[TermInfo]:
        """Terms with their post counts, optionally of one taxonomy and site, by name.

        ``counts`` (from ``term_counts()``) saves counting again when several taxonomies are listed.
        """
        clauses, params = [], []
        if taxonomy_name:
            clauses.append("t.taxonomy = ?")
            params.append(taxonomy_name)
        if site:
            clauses.append("s.host = ?")
            params.append(site)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        counts = self.term_counts() if counts is None else counts
        rows = self._conn.execute(
            "SELECT t.id, s.host, t.taxonomy, t.wp_id, t.slug, t.name, t.parent_wp_id "
            f"FROM terms t JOIN sites s ON s.id = t.site_id {where}", params).fetchall()
        infos = [TermInfo(r[0], r[1], r[2], r[3], r[4], r[5] or f"#{r[3]}", r[6], counts.get(r[0], 0),
                          r[5] is not None) for r in rows]
        return sorted(infos, key=lambda t: (t.site, t.taxonomy, t.name.casefold()))

    def find_terms(self, taxonomy_name: str, name_or_slug: str, site: str | None = None) -> list[TermInfo]:
        """Terms whose name or slug is ``name_or_slug`` (any case), with all their descendants."""
        wanted = name_or_slug.casefold()
        terms = self.terms(taxonomy_name, site)
        found = [t for t in terms if wanted in (t.name.casefold(), (t.slug or "").casefold(),
                                                unquote(t.slug or "").casefold())]
        children: dict[tuple[str, int], list[TermInfo]] = {}
        for term in terms:
            if term.parent_wp_id:
                children.setdefault((term.site, term.parent_wp_id), []).append(term)
        result: dict[int, TermInfo] = {}
        stack = list(found)
        while stack:
            term = stack.pop()
            if term.id not in result:
                result[term.id] = term
                if term.wp_id is not None:
                    stack.extend(children.get((term.site, term.wp_id), []))
        return list(result.values())

    def state_counts(self) -> dict[str, int]:
        """How many posts there are, unread and starred."""
        total = self._conn.execute("SELECT count(*) FROM posts").fetchone()[0]
        read, starred = self._conn.execute(
            "SELECT coalesce(sum(read), 0), coalesce(sum(starred), 0) FROM post_state").fetchone()
        return {"all": total, "unread": total - read, "starred": starred}

    def month_counts(self) -> list[tuple[int, int, int]]:
        """(year, month, posts) in the computer's local time, newest first.

        One range count per month on the date index: far cheaper than converting every post's date.
        """
        first, last = self._conn.execute("SELECT min(date_utc), max(date_utc) FROM posts").fetchone()
        if first is None:
            return []
        start = datetime.fromtimestamp(first).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = datetime.fromtimestamp(last)
        counts = []
        while start <= end:
            following = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
            count = self._conn.execute("SELECT count(*) FROM posts WHERE date_utc >= ? AND date_utc < ?",
                                       (int(start.timestamp()), int(following.timestamp()))).fetchone()[0]
            if count:
                counts.append((start.year, start.month, int(count)))
            start = following
        return counts[::-1]

    def site_counts(self) -> dict[str, int]:
        """Posts per site host."""
        return dict(self._conn.execute(
            "SELECT s.host, count(p.id) FROM sites s LEFT JOIN posts p ON p.site_id = s.id GROUP BY s.id"
        ).fetchall())

    def delete_posts(self, post_ids: Sequence[int]) -> None:
        """Remove posts, their raw JSON, search entries, terms links and reading state."""
        with self.transaction():
            for table, column in (("posts_fts", "rowid"), ("post_terms", "post_id"), ("post_state", "post_id"),
                                  ("post_raw", "post_id"), ("posts", "id")):
                self._conn.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(i,) for i in post_ids])

    def site_ids(self) -> dict[str, int]:
        """Every site's host and row id."""
        return dict(self._conn.execute("SELECT host, id FROM sites ORDER BY host").fetchall())

    def stats(self) -> dict[str, Any]:
        """Counts that describe the library."""
        one = self._conn.execute
        by_type = dict(one("SELECT type, count(*) FROM posts GROUP BY type ORDER BY type").fetchall())
        sites = dict(sorted(self.site_counts().items()))
        state = self.state_counts()
        taxonomies = dict(one("SELECT taxonomy, count(*) FROM terms GROUP BY taxonomy ORDER BY taxonomy").fetchall())
        first, last = one("SELECT min(date_utc), max(date_utc) FROM posts").fetchone()
        return {
            "library": str(self.path) if self.path else ":memory:",
            "schema_version": self.schema_version,
            "posts": sum(by_type.values()),
            "posts_by_type": by_type,
            "sites": sites,
            "terms": taxonomies,
            "authors": one("SELECT count(*) FROM authors").fetchone()[0],
            "media": one("SELECT count(*) FROM media").fetchone()[0],
            "unread": state["unread"],
            "starred": state["starred"],
            "first_date_utc": first,
            "last_date_utc": last,
            "file_bytes": self.path.stat().st_size if self.path and self.path.exists() else 0,
        }

    # -- reading state ---------------------------------------------------------------------------------
    def set_read(self, post_ids: Sequence[int], read: bool = True) -> None:
        """Mark posts read or unread. State is kept apart from content and survives re-imports."""
        self._set_state("read", post_ids, read)

    def set_starred(self, post_ids: Sequence[int], starred: bool = True) -> None:
        """Star or unstar posts."""
        self._set_state("starred", post_ids, starred)

    def _set_state(self, column: str, post_ids: Sequence[int], value: bool) -> None:
        # Reading state is not content: it leaves the generation (and what is cached for it) alone.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.executemany(
                f"INSERT INTO post_state (post_id, {column}) VALUES (?, ?) "
                f"ON CONFLICT (post_id) DO UPDATE SET {column} = excluded.{column}",
                [(post_id, int(value)) for post_id in post_ids])
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")


def _words(name: str | None) -> list[str]:
    """What the search index sees of a name: a rename that changes only case or punctuation changes nothing."""
    return re.findall(r"\w+", unicodedata.normalize("NFKD", name or "").casefold())


def _connect(target: str) -> sqlite3.Connection:
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _check_file(path: Path) -> None:
    """Refuse, without writing to it, a file that is not a library this version can open."""
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise LibraryError(f"{path}: cannot be opened ({error})") from None
    try:
        app_id = probe.execute("PRAGMA application_id").fetchone()[0]
        version = probe.execute("PRAGMA user_version").fetchone()[0]
        tables = probe.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise LibraryError(
            f"{path}: not a readable library ({error}); the file may be damaged and was left as it is") from None
    finally:
        probe.close()
    if app_id != APPLICATION_ID and (tables or app_id):
        raise LibraryError(f"{path}: this SQLite file is not an Article Browser library; it was left as it is")
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"{path}: this library was written by a newer version of Article Browser (schema {version}; "
            f"this version reads up to {SCHEMA_VERSION}). It was left as it is.")


def _use_wal(conn: sqlite3.Connection, path: Path) -> None:
    """Switch a new library to WAL, waiting for the file if another process is creating it too.

    The switch needs the file to itself and SQLite does not wait for that; an existing library is WAL already.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if ("locked" not in str(error) and "busy" not in str(error)) or time.monotonic() > deadline:
                raise LibraryError(f"{path}: the library is in use and could not be opened ({error})") from None
            time.sleep(0.05)


def _migrate(conn: sqlite3.Connection, path: Path | None, target: int = SCHEMA_VERSION) -> None:
    """Run the migrations from the file's version up to ``target``, each in its own transaction.

    Another process may be upgrading the same file: each step reads the version again once it holds the
    write lock, and skips what that process already did.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number in range(version, target):
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("PRAGMA user_version").fetchone()[0] > number:
            conn.execute("COMMIT")
            continue
        try:
            MIGRATIONS[number](conn)
            conn.execute(f"PRAGMA user_version = {number + 1}")
        except Exception as error:
            conn.execute("ROLLBACK")
            raise LibraryError(f"{path}: could not upgrade the library to schema {number + 1}: {error}") from None
        conn.execute("COMMIT")
