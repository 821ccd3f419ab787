"""Import WordPress JSON files into a library, one transaction per file, as a generator of progress.

``import_paths`` expands folders, reads each file as a stream (bounded memory whatever its size), and
yields ``Progress`` as it goes and a ``Summary`` at the end. A file that fails leaves the library exactly
as it was; the other files still import. Closing the generator, or setting ``cancel``, stops between
files (a file being imported when that happens is rolled back and reported as cancelled).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.formats.jsonstream import JsonFileError, read_json
from desktop.core.formats.rest_json import Author, ListedTerm, Media, Post, Record, Skip, classify
from desktop.core.library import Library, LibraryError, WriteStats
from desktop.core.parsing import FileError, parsed_files
from desktop.core.schema import sqlite_reason
from desktop.core.storable import storable_text

PEEK_SIZE = 64 << 10
IMPORTED_SUFFIXES = (".json", ".xml")  # what a folder's files must end with to be imported
_TERM_WORDS = {"category": ("category", "categories"), "post_tag": ("tag", "tags")}


@dataclass(frozen=True)
class Progress:
    """How far an import has got."""

    files_done: int
    files_total: int
    posts_done: int
    current_file: Path | None


@dataclass
class FileResult:
    """What importing one file did."""

    path: Path
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0
    terms: Counter[str] = field(default_factory=Counter)  # taxonomy → terms listed
    term_ids: set[int] = field(default_factory=set)
    authors: list[tuple[str, int]] = field(default_factory=list)
    media: list[tuple[str, int]] = field(default_factory=list)
    skipped: Counter[Skip] = field(default_factory=Counter)  # reason → how many values
    error: str | None = None
    cancelled: bool = False
    empty: bool = False
    applied: dict[str, int] = field(default_factory=dict)  # "authors"/"terms"/"media" → posts they apply to

    def fail(self, reason: str) -> None:
        """Mark the file failed: its transaction was rolled back, so it counts for nothing it had read."""
        self.new = self.updated = self.unchanged = self.older = 0
        self.terms.clear()
        self.term_ids.clear()
        self.authors.clear()
        self.media.clear()
        self.skipped.clear()
        self.applied.clear()
        self.error = reason

    @property
    def status(self) -> str:
        """One of failed, cancelled, imported, unchanged, skipped."""
        if self.error is not None:
            return "failed"
        if self.cancelled:
            return "cancelled"
        if self.new or self.updated or self.terms or self.authors or self.media:
            return "imported"
        return "unchanged" if self.unchanged or self.older else "skipped"

    def describe(self) -> str:
        """The file's summary line: ``page-3.json: 98 new, 2 updated``."""
        return f"{self.path.name}: {self.reason()}"

    def reason(self) -> str:
        """What happened to the file, without its name."""
        if self.error is not None:
            return self.error
        if self.cancelled:
            return "not imported: the import was cancelled"
        parts = [f"{n} {label}" for n, label in ((self.new, "new"), (self.updated, "updated"),
                                                   (self.unchanged, "unchanged")) if n]
        if self.older:
            parts.append(f"{self.older} older than the copy in the library (kept the newer)")
        for taxonomy, count in sorted(self.terms.items()):
            one, many = _TERM_WORDS.get(taxonomy, (f"{taxonomy} term", f"{taxonomy} terms"))
            parts.append(f"{count} {one if count == 1 else many}")
        if self.terms and self.applied.get("terms"):
            parts[-1] += f" (names applied to {_posts(self.applied['terms'])})"
        if self.authors:
            parts.append(_plural(len(self.authors), "author") + _applied("names applied to", self.applied, "authors"))
        if self.media:
            parts.append(_plural(len(self.media), "media item") + _applied("featured in", self.applied, "media"))
        skipped = ", ".join(_counted(skip, n) for skip, n in self.skipped.most_common())
        if parts:
            return ", ".join(parts) + (f"; skipped {skipped}" if skipped else "")
        if sum(self.skipped.values()) == 1:
            return skipped
        if skipped:
            return f"nothing imported: {skipped}"
        return "an empty list: nothing to import" if self.empty else "nothing to import"


@dataclass(frozen=True)
class Summary:
    """The end of an import: one result per file."""

    files: list[FileResult]

    @property
    def failed(self) -> list[FileResult]:
        """Files that could not be imported."""
        return [f for f in self.files if f.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed

    def totals(self) -> Counter[str]:
        """Posts new, updated and unchanged, and files by status (``files_failed``…), over the whole import."""
        total: Counter[str] = Counter()
        for result in self.files:
            total["new"] += result.new
            total["updated"] += result.updated
            total["unchanged"] += result.unchanged + result.older
            total[f"files_{result.status}"] += 1
        return total

    def headline(self) -> str:
        """One line: ``Imported 2 files: 180 new, 20 updated``."""
        total = self.totals()
        counts = ", ".join(f"{total[k]} {k}" for k in ("new", "updated", "unchanged") if total[k]) or "no posts"
        line = f"Imported {_plural(len(self.files), 'file')}: {counts}"
        problems = [f"{total['files_' + k]} {k}" for k in ("failed", "skipped", "cancelled") if total["files_" + k]]
        return line + (f" ({', '.join(problems)})" if problems else "")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _posts(count: int) -> str:
    return _plural(count, "post")


def _applied(verb: str, applied: dict[str, int], key: str) -> str:
    count = applied.get(key, 0)
    return f" ({verb} {_posts(count)})" if count else ""


def _counted(skip: Skip, count: int) -> str:
    if count == 1:
        return skip.reason
    return f"{count} {skip.plural}" if skip.plural else f"{skip.reason} (×{count})"


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to import: files as given, and every ``.json`` and ``.xml`` file under each folder, sorted.

    Also returns results for paths that do not exist or cannot be read, so they are reported, not lost.
    """
    files: list[Path] = []
    problems: list[FileResult] = []
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, names in os.walk(path, onerror=None):
                dirs.sort()
                found.extend(Path(root) / n for n in names if n.lower().endswith(IMPORTED_SUFFIXES))
            if not found:
                problems.append(FileResult(path, error="a folder with no .json or .xml files in it"))
            candidates = sorted(found)
        elif path.exists():
            candidates = [path]
        else:
            problems.append(FileResult(path, error="no such file or folder"))
            continue
        for candidate in candidates:
            if not _is_regular(candidate):
                problems.append(FileResult(candidate, error="not imported: not a regular file (a FIFO, device or "
                                                            "socket), so it was not opened"))
                continue
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                files.append(candidate)
    return files, problems


def _is_regular(path: Path) -> bool:
    """Whether ``path`` is a regular file, or one that cannot be looked at (its import then says why)."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True


def import_paths(
    library: Library, paths: Iterable[Path], cancel: threading.Event | None = None
) -> Iterator[Progress | Summary]:
    """Import files and folders into ``library``; yields ``Progress`` and finally a ``Summary``."""
    files, results = expand_paths(paths)
    files = names_first(files)
    posts_done = 0
    yield Progress(0, len(files), 0, files[0] if files else None)
    stream = parsed_files(files)
    try:
        for index, (path, batches, _) in enumerate(stream):
            if cancel is not None and cancel.is_set():
                break
            result = FileResult(path)
            results.append(result)
            try:
                for posts_done in _import_file(library, batches, result, posts_done, cancel):  # noqa: B020
                    yield Progress(index, len(files), posts_done, path)
            except CancelledError:
                result.cancelled = True
                break
            except (FileError, LibraryError) as error:
                result.fail(str(error))
            except sqlite3.Error as error:
                result.fail(f"not imported: {sqlite_reason(error)}")
            except (OverflowError, UnicodeError, ValueError) as error:  # a value no check foresaw
                result.fail(f"not imported: a value in it cannot be stored ({type(error).__name__}: {error})")
            next_file = files[index + 1] if index + 1 < len(files) else None
            yield Progress(index + 1, len(files), posts_done, next_file)
    finally:
        stream.close()
    reached = {r.path for r in results}
    results.extend(FileResult(path, cancelled=True) for path in files if path not in reached)
    for result in results:
        if result.status == "imported":
            _count_applied(library, result)
    yield Summary(results)


def names_first(files: list[Path]) -> list[Path]:
    """Term, user and media lists before posts, so posts are stored with their names from the start.

    Only the first item of each file is read to tell (a few kilobytes); files that cannot be read keep
    their place and fail when imported.
    """
    def rank(path: Path) -> int:
        try:
            document = read_json(path, chunk_size=PEEK_SIZE)
            try:
                first = next(document.items, None)
            finally:
                document.items.close()  # type: ignore[attr-defined]
        except (JsonFileError, OSError, RecursionError):
            return 1
        if first is None:
            return 1
        return 0 if isinstance(classify(first.value, first.text), (ListedTerm, Author, Media)) else 1

    return sorted(files, key=rank)


class CancelledError(Exception):
    """The import was cancelled while a file was being imported; that file was rolled back."""


def _import_file(
    library: Library, batches: Iterator[list[Record]], result: FileResult, posts_done: int,
    cancel: threading.Event | None,
) -> Iterator[int]:
    """Import one file's records in one transaction, yielding the running post count now and then."""
    source = storable_text(str(result.path))  # a file name that is not UTF-8 has surrogates in it
    count = 0
    with library.transaction() as stats:
        for batch in batches:
            for record in batch:
                count += 1
                if isinstance(record, Post):
                    outcome = library.store_post(record, source, stats)  # with its media, unless older
                    setattr(result, outcome, getattr(result, outcome) + 1)
                    posts_done += 1
                else:
                    _store_other(library, record, result, stats)
            if cancel is not None and cancel.is_set():
                raise CancelledError
            yield posts_done
        result.empty = count == 0
    yield posts_done


def _store_other(library: Library, record: ListedTerm | Author | Media | Skip, result: FileResult,
                 stats: WriteStats) -> None:
    if isinstance(record, ListedTerm):
        term_id, _ = library.store_term(library.site_id(record.site), record.term, record.raw, stats)
        result.terms[record.term.taxonomy] += 1
        result.term_ids.add(term_id)
    elif isinstance(record, Author):
        library.store_author(record, stats)
        result.authors.append((record.site, record.wp_id))
    elif isinstance(record, Media):
        library.store_media(record)
        result.media.append((record.site, record.wp_id))
    else:
        result.skipped[record] += 1


def _count_applied(library: Library, result: FileResult) -> None:
    if result.authors:
        result.applied["authors"] = library.posts_by_authors(result.authors)
    if result.term_ids:
        result.applied["terms"] = library.posts_in_terms(sorted(result.term_ids))
    if result.media:
        result.applied["media"] = library.posts_featuring(result.media)
