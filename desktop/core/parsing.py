"""Files → batches of classified records, read in this process or, for big imports, in a helper process.

Parsing (JSON decoding, text extraction, term refs) is pure Python and holds the GIL, so a thread could not
overlap it with the SQLite writes; a second process can. ``parsed_files`` yields, for each file in order,
its path and an iterator over its batches. Memory stays bounded: the helper process is at most a few
batches ahead, and each file is read as a stream.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from desktop.core.jsonstream import JsonFileError, read_json
from desktop.core.wordpress import Record, classify

BATCH_SIZE = 100
HELPER_THRESHOLD = 16 << 20  # bytes: below this, starting a process costs more than it saves
QUEUE_DEPTH = 4  # batches the helper may read ahead


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
    """The records of one file, ``BATCH_SIZE`` at a time; raises ``FileError`` when the file is unreadable."""
    try:
        document = read_json(path)
        batch: list[Record] = []
        for item in document.items:
            batch.append(classify(item.value, item.text))
            if len(batch) >= BATCH_SIZE:
                yield batch
                batch = []
        yield batch
    except (JsonFileError, OSError, RecursionError, MemoryError) as error:
        raise FileError(describe(error)) from None


def parsed_files(files: list[Path]) -> Generator[tuple[Path, Iterator[list[Record]]], None, None]:
    """Each file with an iterator over its batches, parsed ahead in a helper process when that pays off.

    Consume each file's batches before asking for the next file. Closing the generator stops the helper.
    """
    total = sum(_size(path) for path in files)
    if total < HELPER_THRESHOLD or len(files) < 2:
        for path in files:
            yield path, file_batches(path)
        return
    context = multiprocessing.get_context("spawn")  # fork is unsafe in a process with Qt threads
    channel: Any = context.Queue(QUEUE_DEPTH)
    helper = context.Process(target=_helper, args=([str(p) for p in files], channel), daemon=True)
    helper.start()
    try:
        for path in files:
            yield path, _received(channel, helper)
    finally:
        if helper.is_alive():
            helper.terminate()
        helper.join()
        channel.close()
        channel.join_thread()


def _received(channel: Any, helper: Any) -> Iterator[list[Record]]:
    while True:
        try:
            kind, payload = channel.get(timeout=1.0)
        except queue.Empty:
            if not helper.is_alive():
                raise FileError("the reading process stopped unexpectedly") from None
            continue
        if kind == "batch":
            yield payload
        elif kind == "error":
            raise FileError(payload)
        else:
            return


def _helper(paths: list[str], channel: Any) -> None:
    """The helper process: parse every file in order and send its batches, then an end or error marker."""
    for name in paths:
        try:
            for batch in file_batches(Path(name)):
                channel.put(("batch", batch))
        except FileError as error:
            channel.put(("error", str(error)))
            continue
        channel.put(("end", None))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
