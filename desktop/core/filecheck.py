"""Checks made before a library file is opened for writing: is it ours, is it intact, is it from a newer version.

Nothing here writes to a file, and nothing closes a descriptor of a library this process may have open.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from desktop.core.schema import APPLICATION_ID, BUSY_TIMEOUT_MS, SCHEMA_VERSION, LibraryError, sqlite_reason

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
    if descriptor is not None and os.fstat(descriptor).st_nlink == 0:
        # Deleted, and its inode number given to a new file: left open, not closed, since a connection may still
        # hold locks through the old one.
        descriptor = None
    if descriptor is None:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0))
        _HEADER_DESCRIPTORS[key] = descriptor
    return os.pread(descriptor, 100, 0), os.fstat(descriptor).st_size


def _has_wal(path: Path) -> bool:
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0
    except OSError:
        return False
