"""Files → batches of classified records, read in this process or, for big imports, in a helper process.

Parsing (JSON decoding, text extraction, term refs) is pure Python and holds the GIL, so a thread could not
overlap it with the SQLite writes; a second process can. ``parsed_files`` yields, for each file in order,
its path and an iterator over its batches. Memory stays bounded: the helper process blocks once the pipe
between the processes is full, and each file is read as a stream.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Generator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from desktop.core.formats.jsonstream import JsonFileError, open_regular, read_json
from desktop.core.formats.rest_json import classify
from desktop.core.records import Author, ListedTerm, Media, Post, Record
from desktop.core.storable import storable

BATCH_SIZE = 100
LOCAL_PREFIX = "local:"
HELPER_THRESHOLD = 16 << 20  # bytes: below this, starting a process costs more than it saves


class FileError(Exception):
    """A file could not be read; the message is the precise reason, without the file's name."""


def describe(error: BaseException) -> str | None:
    """The reason a file failed, for the errors reading a file can raise; None for anything else."""
    if isinstance(error, JsonFileError):
        return str(error)
    if isinstance(error, OSError):
        return f"cannot be read: {error.strerror or error}"
    if isinstance(error, RecursionError):
        return "the JSON is nested too deeply to read"
    if isinstance(error, MemoryError):
        return "too large to import in the memory available"
    return None


def file_batches(path: Path) -> Iterator[list[Record]]:
    """The records of one file, ``BATCH_SIZE`` at a time; raises ``FileError`` when the file is unreadable.

    REST JSON and WordPress exports (WXR) are told apart by their first bytes, not by the file's name.
    Records that name no site are given the file's folder as their source (see ``local_source``).
    """
    source = local_source(path)
    batch: list[Record] = []
    for record in _records(path):
        batch.append(storable(with_source(record, source)))
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    yield batch


def _records(path: Path) -> Iterator[Record]:
    try:
        if is_xml(path):
            from desktop.core.formats.wxr import WxrError, read_wxr
            try:
                yield from read_wxr(path)
            except WxrError as error:
                raise FileError(str(error)) from None
            return
        document = read_json(path)
        for item in document.items:
            yield classify(item.value, item.text)
    except (JsonFileError, OSError, RecursionError, MemoryError) as error:
        raise FileError(describe(error)) from None


def is_xml(path: Path) -> bool:
    """Whether a file starts like XML (after a byte-order mark and white space)."""
    with open_regular(path) as handle:  # a FIFO put in a file's place is refused, not waited on
        head = handle.read(4096)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def local_source(path: Path) -> str:
    """The site key of data that names no site: ``local:`` and the folder the file is in.

    The identity rule: a post is known by (site, type, id). Data without a ``link``, ``guid`` or ``_links``
    cannot say which site it is from, so it is kept apart per folder: two folders of host-less posts never
    overwrite or rename each other's posts, authors or terms, and importing the same folder again finds the
    same posts. The sidebar shows such a source by its folder's name.
    """
    return LOCAL_PREFIX + str(path.resolve().parent)


def with_source(record: Record, source: str) -> Record:
    """``record`` with ``source`` as its site wherever it (or what it embeds) names none."""
    if isinstance(record, Post):
        if record.site and all(a.site for a in record.authors) and all(m.site for m in record.media):
            return record
        return replace(record, site=record.site or source,
                       authors=tuple(a if a.site else replace(a, site=source) for a in record.authors),
                       media=tuple(m if m.site else replace(m, site=source) for m in record.media))
    if isinstance(record, (Author, Media, ListedTerm)) and not record.site:
        return replace(record, site=source)
    return record


class ParsedFile(NamedTuple):
    """A file, an iterator over its batches, and the process that parses it (this one, or the helper)."""

    path: Path
    batches: Iterator[list[Record]]
    parsed_by: int  # a process id


def parsed_files(files: list[Path]) -> Generator[ParsedFile, None, None]:
    """Each file with an iterator over its batches, parsed ahead in a helper process when that pays off.

    Consume each file's batches before asking for the next file. Closing the generator stops the helper.
    If the helper cannot start or dies, the remaining files are parsed here instead.
    """
    total = sum(_size(path) for path in files)
    # One big file gains too: it is parsed in the helper while this process writes what it already sent.
    helper = _Helper.start(files) if total >= HELPER_THRESHOLD else None
    try:
        for path in files:
            if helper is not None and helper.alive:
                yield ParsedFile(path, helper.batches(), helper.pid)
            else:
                yield ParsedFile(path, file_batches(path), os.getpid())
    finally:
        if helper is not None:
            helper.stop()


class _Helper:
    """A child process running ``python -m desktop.core.parsing`` that sends pickled batches on its stdout.

    A plain subprocess rather than multiprocessing: spawn would re-run the parent's main script in the
    child, and fork is unsafe in a process with Qt threads. The pipe's buffer bounds how far ahead it reads.
    """

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self.pid = process.pid
        self.alive = True

    @classmethod
    def start(cls, files: list[Path]) -> _Helper | None:
        if getattr(sys, "frozen", False):
            return None  # a frozen build has no interpreter to run -m with
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
        try:
            process = subprocess.Popen([sys.executable, "-m", "desktop.core.parsing"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, env=env)
            assert process.stdin is not None
            # NUL-separated file-system bytes: a name may hold a newline, or bytes that are not UTF-8.
            process.stdin.write(b"\0".join(os.fsencode(p.resolve()) for p in files))
            process.stdin.close()
        except OSError:
            return None
        helper = cls(process)
        if helper._receive() != ("ready", None):
            helper.stop()
            return None
        return helper

    def _receive(self) -> tuple[str, Any]:
        assert self._process.stdout is not None
        try:
            message: tuple[str, Any] = pickle.load(self._process.stdout)
        except (EOFError, pickle.UnpicklingError, OSError):
            self.alive = False
            return ("died", None)
        return message

    def batches(self) -> Iterator[list[Record]]:
        """The current file's batches, as the helper sends them."""
        while True:
            kind, payload = self._receive()
            if kind == "batch":
                yield payload
            elif kind == "error":
                raise FileError(payload)
            elif kind == "died":
                raise FileError("the reading process stopped unexpectedly; the files after this one are read "
                                "without it")
            else:
                return

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


def _helper_main() -> None:
    """The helper process: parse every file named on stdin, in order, and send its batches on stdout."""
    out = sys.stdout.buffer
    names = [os.fsdecode(name) for name in sys.stdin.buffer.read().split(b"\0") if name]
    pickle.dump(("ready", None), out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()
    for name in names:
        try:
            for batch in file_batches(Path(name)):
                pickle.dump(("batch", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
        except FileError as error:
            pickle.dump(("error", str(error)), out, protocol=pickle.HIGHEST_PROTOCOL)
        else:
            pickle.dump(("end", None), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


if __name__ == "__main__":
    _helper_main()
