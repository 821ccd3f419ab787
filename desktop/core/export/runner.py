"""The export runner: which posts, in what order, written where, with progress, cancel and safe failure.

``run_export`` is a generator: it yields an ``ExportProgress`` after each post and ends with an
``ExportResult``. A format is a ``Writer``; the runner gives it a staging path beside the destination (a
hidden ``.NAME.part-…`` file or folder) and renames that into place only when the writer finished, so a
failure or a cancel never leaves a half-written file under the final name. Posts are read one at a time
through ``read_post`` (the reader's own assembly of a post), so memory stays flat however many are exported.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from desktop.core.export.prepare import ImagePolicy, ImageSink, PreparedPost, prepare
from desktop.core.library import Library, PostFilter
from desktop.core.reading import read_post

PAGE = 500  # posts per query when a filter selects them


@dataclass(frozen=True)
class Entry:
    """One selected post: its library id and title (kept for tables of contents, a few bytes each)."""

    id: int
    title: str


@dataclass(frozen=True)
class ExportProgress:
    """How far an export has got."""

    done: int
    total: int
    title: str


@dataclass(frozen=True)
class ExportResult:
    """How an export ended: the path written (None when nothing was), or why not."""

    path: Path | None
    posts: int
    images: int
    cancelled: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the export was written completely."""
        return self.path is not None and self.error is None and not self.cancelled


class ExportError(Exception):
    """A destination that cannot be written, in the user's words."""


class Writer(ImageSink, Protocol):
    """One output format. ``open`` → ``write`` per post → ``close``; ``abort`` when the export stops early."""

    folder: bool  # whether the output is a folder (else one file)

    def open(self, staging: Path, entries: Sequence[Entry]) -> None:
        """Start writing at ``staging`` (a file path, or an existing empty folder)."""

    def write(self, post: PreparedPost) -> None:
        """Add one post."""

    def close(self) -> None:
        """Finish the output (indexes, tables of contents) and release it."""

    def abort(self) -> None:
        """Release open files without finishing."""


@runtime_checkable
class RecordWriter(Protocol):
    """A format that writes what was imported rather than what the reader shows (JSON)."""

    folder: bool

    def open(self, staging: Path, entries: Sequence[Entry]) -> None:
        """Start writing at ``staging``."""

    def write_entry(self, entry: Entry) -> bool:
        """Add one post; False when it is no longer in the library."""

    def close(self) -> None:
        """Finish the output."""

    def abort(self) -> None:
        """Release open files without finishing."""


def selected_entries(library: Library, ids: Sequence[int] = (), flt: PostFilter | None = None,
                     order: str | None = None) -> list[Entry]:
    """The posts to export: ``ids`` in the order given (unknown ids left out), else every post of ``flt``."""
    if ids:
        rows = (library.post(post_id) for post_id in dict.fromkeys(ids))
        return [Entry(row.id, row.title) for row in rows if row is not None]
    flt = flt or PostFilter()
    entries: list[Entry] = []
    while True:
        page = library.list_posts(flt, limit=PAGE, offset=len(entries), order=order)
        entries.extend(Entry(row.id, row.title) for row in page)
        if len(page) < PAGE:
            return entries


def describe_os_error(error: OSError, path: Path) -> str:
    """What went wrong writing ``path``, classified by errno rather than by the message text."""
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"{path}: the disk is full (or over quota); free some space or choose another destination"
    if code in (errno.EACCES, errno.EPERM):
        return f"{path}: you do not have permission to write there; choose another destination"
    if code == errno.EROFS:
        return f"{path}: the disk is read-only; choose another destination"
    if code in (errno.ENOENT, errno.ENOTDIR):
        return f"{path.parent}: the folder does not exist"
    if code == errno.ENAMETOOLONG:
        return f"{path}: the name is too long for this disk"
    if code == errno.EISDIR:
        return f"{path}: is a folder; choose a file name"
    if code == errno.EEXIST or code == errno.ENOTEMPTY:
        return f"{path}: already exists and is not empty; choose a new name or an empty folder"
    return f"{path}: cannot be written ({error.strerror or error})"


def _staging(output: Path, folder: bool) -> Path:
    """A new hidden file or folder beside ``output`` (same disk, so the final rename is atomic)."""
    if folder and output.is_dir() and any(output.iterdir()):
        raise OSError(errno.ENOTEMPTY, "not empty", str(output))
    if not folder and output.is_dir():
        raise OSError(errno.EISDIR, "is a folder", str(output))
    prefix = f".{output.name}.part-"
    if folder:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=output.parent))
    handle, name = tempfile.mkstemp(prefix=prefix, dir=output.parent)
    os.close(handle)
    return Path(name)


def _discard(staging: Path | None) -> None:
    if staging is None:
        return
    if staging.is_dir():
        shutil.rmtree(staging, ignore_errors=True)
    else:
        staging.unlink(missing_ok=True)


def _publish(staging: Path, output: Path, folder: bool) -> None:
    if folder:
        if output.is_dir():
            output.rmdir()  # empty: checked before the export began
        os.rename(staging, output)
    else:
        os.chmod(staging, 0o666 & ~_umask())  # mkstemp makes files private; an export is an ordinary file
        os.replace(staging, output)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def run_export(library: Library, entries: Sequence[Entry], writer: Writer | RecordWriter, output: Path, *,
               images: ImagePolicy | None = None,
               cancel: threading.Event | None = None) -> Iterator[ExportProgress | ExportResult]:
    """Write ``entries`` with ``writer`` to ``output``; yields progress after each post, then the result.

    ``images`` says which images may be included (never fetched: only the cache's bytes are embedded).
    Closing the generator or setting ``cancel`` stops between posts and removes the partial output.
    """
    policy = images or ImagePolicy()
    staging: Path | None = None
    done = embedded = 0
    try:
        staging = _staging(output, writer.folder)
        writer.open(staging, entries)
        for entry in entries:
            if cancel is not None and cancel.is_set():
                writer.abort()
                _discard(staging)
                yield ExportResult(None, done, embedded, cancelled=True)
                return
            embedded += _write(library, entry, writer, policy, done + 1)
            done += 1
            yield ExportProgress(done, len(entries), entry.title)
        writer.close()
        _publish(staging, output, writer.folder)
    except OSError as error:
        writer.abort()
        _discard(staging)
        where = Path(error.filename) if error.filename and staging and Path(error.filename) != staging \
            and not str(error.filename).startswith(str(staging)) else output
        yield ExportResult(None, done, embedded, error=describe_os_error(error, where))
        return
    except BaseException:
        writer.abort()
        _discard(staging)
        raise
    yield ExportResult(output, done, embedded)


def _write(library: Library, entry: Entry, writer: Writer | RecordWriter, policy: ImagePolicy, number: int) -> int:
    """Write one post; returns how many images it included."""
    if isinstance(writer, RecordWriter):
        writer.write_entry(entry)
        return 0
    rendered = read_post(library, entry.id, images=True)
    if rendered is None:
        return 0
    post = prepare(rendered, policy, writer, number)
    try:
        writer.write(post)
    finally:
        post.release()
    return post.embedded
