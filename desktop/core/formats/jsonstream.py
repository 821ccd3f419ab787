"""Read a JSON file one top-level item at a time, with bounded memory and each item's exact text.

A WordPress export can be a single object or an array of hundreds of megabytes. ``read_json`` yields the
array's elements one by one (or the single object) as ``(value, text)`` pairs, where ``text`` is the exact
source text of the element, so the library can keep what the user imported byte for byte. Memory grows
with the largest element, not with the file.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

CHUNK_SIZE = 1 << 20
WHOLE_FILE = 64 << 20  # files up to this size are read in one go: faster, and still bounded
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_MESSAGES = {
    "Expecting ',' delimiter": "expected ','",
    "Expecting ':' delimiter": "expected ':'",
    "Expecting value": "expected a value",
    "Expecting property name enclosed in double quotes": "expected a property name in double quotes",
    "Unterminated string starting at": "unterminated string",
    "Invalid control character at": "control character inside a string",
    "Invalid \\escape": "invalid escape sequence",
    "Invalid \\uXXXX escape": "invalid \\u escape sequence",
    "Extra data": "extra data after the JSON value",
}


class JsonFileError(ValueError):
    """The file is not UTF-8 JSON; the message says why and, for syntax errors, where."""


@dataclass(frozen=True)
class Item:
    """One top-level value: the whole document, or one element of a top-level array."""

    value: Any
    text: str


@dataclass
class Document:
    """An open JSON file: whether its top level is an array, and an iterator over its items."""

    is_array: bool
    items: Iterator[Item]


def read_json(path: Path, chunk_size: int = CHUNK_SIZE) -> Document:
    """Open ``path`` and return its shape and an iterator over its items.

    The file stays open until the iterator is exhausted or closed. Raises ``JsonFileError`` for files that
    are empty, not UTF-8, or not JSON at all; syntax errors further in are raised while iterating.
    """
    handle = open_regular(path)
    try:
        size = os.fstat(handle.fileno()).st_size
        reader = _Reader(handle, size + 1 if size <= WHOLE_FILE and chunk_size == CHUNK_SIZE else chunk_size)
        first = reader.peek()
    except BaseException:
        handle.close()
        raise
    if first == "[":
        return Document(True, _closing(handle, reader.array_items()))
    if first == "{":
        return Document(False, _closing(handle, reader.single_item()))
    with handle:
        reader.fill()  # enough of the file to recognise what it is instead
    raise JsonFileError(_not_json_reason(first, reader.buf[reader.pos : reader.pos + 400]))


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; ``OSError`` for a FIFO, device or socket, without waiting on it.

    Opening a FIFO blocks until something writes to it, so the file is opened non-blocking and checked
    before anything is read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, device or socket)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _closing(handle: BinaryIO, items: Iterator[Item]) -> Iterator[Item]:
    with handle:
        yield from items


def _not_json_reason(first: str, head: str) -> str:
    if not first:
        return "the file is empty"
    if first == "<":
        if "<rss" in head or "wordpress.org/export" in head or head.startswith("<?xml"):
            return "an XML file (a WordPress WXR export?), not WordPress REST API JSON"
        return "not JSON (it begins with '<', like HTML or XML)"
    if first in '"-0123456789tfn':
        return "JSON that is neither an object nor an array of objects"
    return f"not JSON (it begins with {first!r})"


class _Reader:
    """A window over the decoded text of a file, with line tracking for error messages."""

    def __init__(self, handle: BinaryIO, chunk_size: int) -> None:
        self._handle = handle
        self._chunk = chunk_size
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._bytes_read = 0
        self._decode = json.JSONDecoder().raw_decode
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._line = 1  # line number of buf[0]
        self._column = 0  # characters on that line before buf[0]
        self._start()

    # -- reading ---------------------------------------------------------------------------------------
    def _start(self) -> None:
        head = self._handle.read(self._chunk)
        if head.startswith(codecs.BOM_UTF8):
            head = head[3:]
            self._bytes_read = 3
        elif head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            raise JsonFileError("the file is UTF-32 text; only UTF-8 is supported")
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
            len(head) >= 2 and (head[0] == 0 or head[1] == 0)
        ):
            raise JsonFileError("the file is UTF-16 text; only UTF-8 is supported")
        self._feed(head)

    def _feed(self, data: bytes) -> None:
        final = not data
        try:
            text = self._decoder.decode(data, final)
        except UnicodeDecodeError as error:
            offset = self._bytes_read + error.start
            bad = data[error.start] if data else 0
            raise JsonFileError(
                f"not UTF-8 text: byte 0x{bad:02x} at offset {offset} cannot be decoded"
            ) from None
        self._bytes_read += len(data)
        self.eof = final
        if text:
            self.buf += text

    def fill(self, at_least: int = 0) -> bool:
        """Read more of the file into the buffer; False at the end of the file."""
        if self.eof:
            return False
        self._feed(self._handle.read(max(self._chunk, at_least)))
        return True

    def _discard_consumed(self) -> None:
        if self.pos < self._chunk:
            return
        gone = self.buf[: self.pos]
        lines = gone.count("\n")
        if lines:
            self._line += lines
            self._column = len(gone) - gone.rfind("\n") - 1
        else:
            self._column += len(gone)
        self.buf = self.buf[self.pos :]
        self.pos = 0

    def peek(self) -> str:
        """Skip whitespace and return the next character without consuming it ('' at the end)."""
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            self._discard_consumed()  # all white space: without this, 200 MB of it took minutes (quadratic)
            if not self.fill():
                return ""

    # -- errors ----------------------------------------------------------------------------------------
    def error(self, message: str, index: int) -> JsonFileError:
        """An error naming the line and column of ``buf[index]``."""
        newlines = self.buf.count("\n", 0, index)
        if newlines:
            line = self._line + newlines
            column = index - self.buf.rfind("\n", 0, index)
        else:
            line = self._line
            column = self._column + index + 1
        return JsonFileError(f"invalid JSON at line {line}, column {column}: {message}")

    def _syntax_error(self, error: json.JSONDecodeError) -> JsonFileError:
        return self.error(_MESSAGES.get(error.msg, error.msg[:1].lower() + error.msg[1:]), error.pos)

    def _maybe_cut_short(self, error: json.JSONDecodeError) -> bool:
        """Whether more input could turn this error into a valid value."""
        return error.pos >= len(self.buf) - 16 or error.msg.startswith("Unterminated string")

    # -- values ----------------------------------------------------------------------------------------
    def value(self) -> Item:
        """Decode the value at the cursor, reading more of the file until it is complete."""
        start = self.pos
        want = 0
        while True:
            try:
                value, end = self._decode(self.buf, start)
            except json.JSONDecodeError as error:
                if self.eof or not self._maybe_cut_short(error):
                    raise self._syntax_error(error) from None
                # Grow geometrically so a huge element is decoded a bounded number of times.
                want = max(want * 2, len(self.buf) - start, self._chunk)
                self.fill(want)
                continue
            except ValueError:  # json refuses integers of more than 4,300 digits (sys.int_info)
                raise self.error("a number too long to read (more than 4,300 digits)", start) from None
            if isinstance(value, (int, float)) and len(self.buf) - end < 32 and self.fill():
                continue  # a number may go on in the next chunk ("0" then ".5e3")
            self.pos = end
            return Item(value, self.buf[start:end])

    def array_items(self) -> Iterator[Item]:
        """Yield the elements of the top-level array at the cursor."""
        self.pos += 1
        if self.peek() == "]":
            self.pos += 1
        else:
            while True:
                if self.peek() == "":
                    raise self.error("the file ends inside the array", self.pos)
                yield self.value()
                self._discard_consumed()
                separator = self.peek()
                self.pos += 1
                if separator == "]":
                    break
                if separator != ",":
                    raise self.error("expected ',' or ']'" if separator else "the file ends inside the array",
                                     self.pos - 1)
        self._expect_end()

    def single_item(self) -> Iterator[Item]:
        """Yield the one top-level object."""
        item = self.value()
        self._expect_end()
        yield item

    def _expect_end(self) -> None:
        if self.peek() != "":
            raise self.error("extra data after the JSON value", self.pos)
