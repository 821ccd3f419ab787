"""The library's files: the schema and its numbered migrations, recorded in ``user_version``.

The state file beside the library has its own small schema. What is checked before a file is opened for
writing (is it ours, is it intact, is it from a newer version) is in ``filecheck``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from desktop.core.formats.rest_json import search_text
from desktop.core.fts_text import for_index

APPLICATION_ID = 0x41425257  # "ABRW": marks the file as an Article Browser library
FILE_NAME = "library.sqlite3"
STATE_FILE_NAME = "state.sqlite3"
STATE_APPLICATION_ID = 0x41425354  # "ABST": the user's state beside a library
BUSY_TIMEOUT_MS = 10_000


class LibraryError(Exception):
    """The library file cannot be used; the message says why. The file was not modified."""


# The user's words for SQLite's primary result codes (an extended code's low byte is its primary code).
_SQLITE_REASONS = {
    sqlite3.SQLITE_FULL: "the disk is full; free some space and import it again",
    sqlite3.SQLITE_READONLY: "the library is read-only",
    sqlite3.SQLITE_BUSY: "the library stayed busy (another program was writing to it); import it again",
    sqlite3.SQLITE_LOCKED: "the library stayed busy (another program was writing to it); import it again",
    sqlite3.SQLITE_CORRUPT: "the library file is damaged; see “Recovering a damaged library” in the README",
    sqlite3.SQLITE_NOTADB: "the library file is damaged; see “Recovering a damaged library” in the README",
    sqlite3.SQLITE_IOERR: "the disk could not be read or written",
    sqlite3.SQLITE_CANTOPEN: "the library's files cannot be opened",
    sqlite3.SQLITE_TOOBIG: "an item in it is too large for the library",
    sqlite3.SQLITE_PERM: "the library may not be written (permission denied)",
}


def sqlite_reason(error: sqlite3.Error) -> str:
    """What a SQLite error means to the user, told by its result code rather than its message."""
    code = getattr(error, "sqlite_errorcode", None)
    reason = _SQLITE_REASONS.get(code & 0xFF) if isinstance(code, int) else None
    return reason or f"the library could not be written ({error})"


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


# Step n takes the library from version n to n + 1; migrate() runs each in one transaction.
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

_SCHEMA_6 = """
ALTER TABLE posts ADD COLUMN raw_format TEXT NOT NULL DEFAULT 'json';
ALTER TABLE posts ADD COLUMN sticky INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN comment_count INTEGER;
ALTER TABLE posts ADD COLUMN removed_at INTEGER;
ALTER TABLE sites ADD COLUMN name TEXT;
ALTER TABLE sites ADD COLUMN address TEXT;
ALTER TABLE sites ADD COLUMN sync_state TEXT;
CREATE TABLE post_content (
    post_id INTEGER PRIMARY KEY,
    html TEXT NOT NULL                      -- the content as the site serves it, whatever the input format
);
INSERT OR REPLACE INTO state.post_state (post_id, read, starred) SELECT post_id, read, starred FROM main.post_state;
DROP TABLE main.post_state;
DROP TABLE main.cache
"""


def _store_content(conn: sqlite3.Connection) -> None:
    """Migration 6: content in a format-neutral table, user state in the state file."""
    _script(_SCHEMA_6)(conn)
    for post_id, raw in conn.execute("SELECT post_id, raw FROM post_raw").fetchall():
        try:
            content = json.loads(raw).get("content")
        except (ValueError, AttributeError):
            content = None
        rendered = content.get("rendered", "") if isinstance(content, dict) else content
        conn.execute("INSERT INTO post_content (post_id, html) VALUES (?, ?)",
                     (post_id, rendered if isinstance(rendered, str) else ""))


def _index_cjk_words(conn: sqlite3.Connection) -> None:
    """Migration 7: index CJK and Thai text as pairs of characters (``fts_text``), and merge the index.

    Every post whose indexed text ``fts_text`` would change is indexed again from the format-neutral tables
    (content HTML, title, excerpt, author and term names); text in other scripts is indexed as before. Merging
    the index into one segment afterwards (5 s at 100,000 posts) makes each lookup in it about 4× faster.
    """
    stale = [(row[0],) for row in conn.execute("SELECT rowid, title, body, excerpt, author, terms FROM posts_fts")
             if any(isinstance(text, str) and for_index(text) != text for text in row[1:])]
    conn.executemany("DELETE FROM posts_fts WHERE rowid = ?", stale)
    conn.execute("CREATE TEMP TABLE reindex (post_id INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO temp.reindex (post_id) VALUES (?)", stale)
    rows = conn.execute(
        "SELECT p.id, p.title, c.html, p.excerpt, a.name, "
        "(SELECT group_concat(t.name, ' ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id "
        " WHERE pt.post_id = p.id AND t.name IS NOT NULL) "
        "FROM temp.reindex r JOIN posts p ON p.id = r.post_id LEFT JOIN post_content c ON c.post_id = p.id "
        "LEFT JOIN authors a ON a.site_id = p.site_id AND a.wp_id = p.author_id")
    conn.executemany(
        "INSERT INTO posts_fts (rowid, title, body, excerpt, author, terms) VALUES (?, ?, ?, ?, ?, ?)",
        ((post_id, for_index(title), for_index(search_text(html or "")), for_index(excerpt), for_index(author or ""),
          for_index(terms or "")) for post_id, title, html, excerpt, author, terms in rows.fetchall()))
    conn.execute("DROP TABLE temp.reindex")
    conn.execute("INSERT INTO posts_fts (posts_fts) VALUES ('optimize')")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _script(_SCHEMA_1), _add_search_index, _script(_SCHEMA_3), _script(_SCHEMA_4), _script(_SCHEMA_5),
    _store_content, _index_cjk_words,
]

# The state file: what the user does, apart from content so that it never waits behind an import.
_STATE_SCHEMA = f"""
PRAGMA state.application_id = {STATE_APPLICATION_ID};
CREATE TABLE IF NOT EXISTS state.post_state (
    post_id INTEGER PRIMARY KEY,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS state.deleted (
    post_id INTEGER PRIMARY KEY             -- deleted by the user; purged from the content when it is free
);
CREATE TABLE IF NOT EXISTS state.cache (
    name TEXT PRIMARY KEY, generation INTEGER NOT NULL, data TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state.saved_searches (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    filter TEXT NOT NULL,                   -- JSON: the sidebar entry the search was combined with
    position INTEGER NOT NULL DEFAULT 0
)
"""
SCHEMA_VERSION = len(MIGRATIONS)


def _term_text(conn: sqlite3.Connection, post_id: int) -> str:
    row = conn.execute(
        "SELECT group_concat(t.name, ' ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id "
        "WHERE pt.post_id = ? AND t.name IS NOT NULL",
        (post_id,),
    ).fetchone()
    return row[0] or ""


def connect(target: str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) that waits for other writers."""
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def use_wal(conn: sqlite3.Connection, path: Path, schema: str = "main") -> None:
    """Switch a new library (or its attached ``schema``) to WAL, waiting if another process is creating it too.

    The switch needs the file to itself and SQLite does not wait for that; an existing library is WAL already.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute(f"PRAGMA {schema}.journal_mode").fetchone()[0] != "wal":
                conn.execute(f"PRAGMA {schema}.journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) \
                    or time.monotonic() > deadline:
                raise LibraryError(f"{path}: the library is in use and could not be opened ({error})") from None
            time.sleep(0.05)


def migrate(conn: sqlite3.Connection, path: Path | None, target: int = SCHEMA_VERSION) -> None:
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


def attach_state(conn: sqlite3.Connection, path: Path | None) -> None:
    """Attach the user's state file (created when missing) as ``state``; ``None`` keeps it in memory."""
    if path is not None and path.exists():
        _check_state(path)
    conn.execute("ATTACH DATABASE ? AS state", (":memory:" if path is None else str(path),))
    if path is not None:
        use_wal(conn, path, "state")  # two processes may be creating the state file at once
    conn.execute("PRAGMA state.synchronous = NORMAL")
    if conn.execute("SELECT count(*) FROM state.sqlite_schema WHERE name = 'saved_searches'").fetchone()[0]:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        _script(_STATE_SCHEMA)(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _check_state(path: Path) -> None:
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                isolation_level=None)
        try:
            # One read transaction: another process creating the file at this moment is seen before or after.
            probe.execute("BEGIN")
            app_id = probe.execute("PRAGMA application_id").fetchone()[0]
            tables = probe.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
            probe.execute("COMMIT")
        finally:
            probe.close()
    except sqlite3.DatabaseError as error:
        raise LibraryError(f"{path}: the reading-state file cannot be read ({error}); "
                           "it was left as it is") from None
    if app_id != STATE_APPLICATION_ID and (tables or app_id):
        raise LibraryError(f"{path}: this file is not Article Browser's reading state; it was left as it is")
