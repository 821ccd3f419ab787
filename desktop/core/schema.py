"""The library's files: the schema, numbered migrations, and the checks made before anything is written.

Migrations are recorded in ``user_version``; a file is checked (is it ours, is it readable, is it from a
newer version) before it is opened for writing. The state file beside the library has its own small schema.
"""

from __future__ import annotations

import json
import os
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


RECOVERY = ("To recover, close Article Browser, move the folder's library.sqlite3 (with any -wal and -shm files "
            "beside it) elsewhere and import your files again; see “Recovering a damaged library” in the README.")
QUICK_CHECK_BYTES = 64 << 20  # libraries up to this size get a full quick_check when opened (≈ 0.1 s)
_MAGIC = b"SQLite format 3\x00"


def check_file(path: Path) -> None:
    """Refuse, without writing to it, a file that is not a library this version can open.

    Cheap enough for a library of gigabytes: the 100-byte header is checked against the format and the
    file's size, and the schema page is read and checked; small libraries get a whole ``quick_check``.
    """
    try:
        problem = header_problem(path)
    except OSError as error:
        raise LibraryError(f"{path}: the library cannot be read ({error.strerror or error}); "
                           "it was left as it is") from None
    if problem is not None:
        raise LibraryError(f"{path}: {problem}. It was left as it is. {RECOVERY}")
    try:
        probe = read_only_connection(path)
    except sqlite3.Error as error:
        raise LibraryError(f"{path}: cannot be opened ({sqlite_reason(error)})") from None
    try:
        # One read transaction: another process creating the library at this moment is seen before or after.
        probe.execute("BEGIN")
        app_id = probe.execute("PRAGMA application_id").fetchone()[0]
        version = probe.execute("PRAGMA user_version").fetchone()[0]
        tables = probe.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        check = "quick_check" if path.stat().st_size <= QUICK_CHECK_BYTES else "quick_check('sqlite_schema')"
        verdict = probe.execute(f"PRAGMA {check}").fetchone()[0] if tables else "ok"
        probe.execute("COMMIT")
    except sqlite3.DatabaseError as error:
        raise LibraryError(_unreadable(path, error)) from None
    finally:
        probe.close()
    if verdict != "ok":
        raise LibraryError(f"{path}: the library file is damaged ({verdict.splitlines()[-1].strip()}). "
                           f"It was left as it is. {RECOVERY}")
    if app_id != APPLICATION_ID and (tables or app_id):
        raise LibraryError(f"{path}: this SQLite file is not an Article Browser library; it was left as it is")
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"{path}: this library was written by a newer version of Article Browser (schema {version}; "
            f"this version reads up to {SCHEMA_VERSION}). It was left as it is.")


def is_read_only(path: Path) -> bool:
    """Whether an existing library can be read but not written (its file, or the folder for its journal)."""
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that never writes to the library's files, even where the folder is not writable.

    Reading a WAL library needs its ``-shm`` file; where that cannot be created and there is no journal to
    read, the file is opened as immutable (nothing can be writing to it: its folder is not writable).
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if is_read_only(path) and not _has_wal(path) and not path.with_name(path.name + "-shm").exists():
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                           timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _unreadable(path: Path, error: sqlite3.Error) -> str:
    code = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FORMAT) or code == 0:
        return f"{path}: the library file is damaged ({error}). It was left as it is. {RECOVERY}"
    return f"{path}: the library cannot be read: {sqlite_reason(error)} ({error}). It was left as it is."


def header_problem(path: Path) -> str | None:
    """What is wrong with a SQLite file's 100-byte header (which SQLite trusts), or None.

    Every check holds for any file SQLite writes; see https://www.sqlite.org/fileformat.html#the_database_header.
    """
    header, size = _read_header(path)
    if not header:
        return None  # an empty file is an empty database
    if len(header) < 100 or not header.startswith(_MAGIC):
        return "not a SQLite database (or its first bytes are damaged)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    fields = {
        "page size": 512 <= page_size <= 65536 and page_size & (page_size - 1) == 0,
        "format versions": header[18] in (1, 2) and header[19] in (1, 2),
        "payload fractions": header[21:24] == b"\x40\x20\x20",
        "reserved bytes": header[20] < 255 and not any(header[72:92]),
        "schema format": int.from_bytes(header[44:48], "big") <= 4,
        "text encoding": int.from_bytes(header[56:60], "big") <= 3,
        "vacuum settings": int.from_bytes(header[52:56], "big") != 0 or not any(header[64:68]),
        "file size": size >= page_size and size % page_size == 0,
    }
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] == header[92:96] and pages and not _has_wal(path):
        fields["page count"] = pages * page_size <= size
    bad = [name for name, ok in fields.items() if not ok]
    return f"the library file is damaged (its header's {', '.join(bad)} cannot be right)" if bad else None


# WORKAROUND: closing any descriptor of a file drops every POSIX lock the process holds on that file, those of
# SQLite connections included (https://www.sqlite.org/howtocorrupt.html, section 2.2). A header read that opened
# and closed the library while the window's connection had it open let another process take itself for the last
# user and delete the WAL under that connection: the library was damaged. The descriptor that reads headers is
# therefore never closed: one per file, kept for the life of the process.
_HEADER_DESCRIPTORS: dict[tuple[int, int], int] = {}


def _read_header(path: Path) -> tuple[bytes, int]:
    """The first 100 bytes of a file and its size, read without closing any descriptor of it."""
    if os.name == "nt":  # Windows locks are not dropped by closing another handle
        with path.open("rb") as handle:
            return handle.read(100), os.fstat(handle.fileno()).st_size
    info = path.stat()
    key = (info.st_dev, info.st_ino)
    descriptor = _HEADER_DESCRIPTORS.get(key)
    if descriptor is not None:
        held = os.fstat(descriptor)
        if held.st_nlink == 0 or (held.st_dev, held.st_ino) != key:  # the file it read was replaced
            descriptor = None  # left open, not closed: a connection may still hold locks through that file
    if descriptor is None:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0))
        _HEADER_DESCRIPTORS[key] = descriptor
    return os.pread(descriptor, 100, 0), os.fstat(descriptor).st_size


def _has_wal(path: Path) -> bool:
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0
    except OSError:
        return False


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
