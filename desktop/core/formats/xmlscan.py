"""A byte-level pass over a WXR file, ahead of the XML parser: exact item text, safe repairs, no DOCTYPE.

The XML parser (lxml) does not say where in the file an element starts and ends, but the library keeps each
``<item>`` exactly as the user's file had it. ``Scanner`` finds every top-level ``<item>…</item>`` by
looking only at what can hide markup in XML: CDATA sections, comments and processing instructions (a ``<``
anywhere else starts a tag, since it is not allowed in text or attribute values). While it is there, it
repairs the two faults real exports have that are safe to repair: a bare ``&`` (``?a=1&b=2`` in a URL) becomes
``&amp;``, an HTML entity (``&nbsp;``) becomes the character reference, and control characters that XML
forbids are dropped. It refuses a DOCTYPE before the parser sees it: exports never have one, and it is what
external entities and entity bombs need.
"""

from __future__ import annotations

import html.entities
import re
from collections import deque

HOLD = 64  # bytes kept back at a chunk's end so that no token is cut in two
_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}
_TOKEN = re.compile(
    rb"<!\[CDATA\[|<!--|<\?|(?i:<!DOCTYPE)|<item(?=[\s/>])|</item\s{0,16}>"
    rb"|&(?!#[0-9]{1,10};|#x[0-9a-fA-F]{1,8};)([A-Za-z_:][A-Za-z0-9_.:-]{0,47};)?"
)
_ENDS = {b"<![CDATA[": b"]]>", b"<!--": b"-->", b"<?": b"?>"}
CONTROL = bytes(c for c in range(32) if c not in (9, 10, 13))


class DoctypeError(Exception):
    """The file declares a DOCTYPE; ``line`` is where."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class Scanner:
    """Feed it the file's bytes in order; it returns the bytes for the parser and collects the items' text.

    ``items`` holds ``(line, bytes)`` for each top-level ``<item>`` found, in order; ``repairs`` counts what
    was repaired. Only for encodings where ASCII characters are single bytes (UTF-8, Latin-1…).
    """

    def __init__(self) -> None:
        self.items: deque[tuple[int, bytes]] = deque()
        self.repairs = 0
        self._buf = bytearray()
        self._pos = 0  # everything before this is classified
        self._emitted = 0  # everything before this went to the parser
        self._wait: bytes | None = None  # the end of the CDATA section, comment or PI we are in
        self._item_start = -1
        self._item_line = 0
        self._depth = 0
        self._fixes: list[tuple[int, int, bytes]] = []  # (start, end, replacement) in _buf
        self._line = 1  # the line number at _counted
        self._counted = 0

    def feed(self, data: bytes, final: bool = False) -> bytes:
        """Scan ``data`` (the next bytes of the file); returns what the parser should read next."""
        self._buf += data
        limit = len(self._buf) if final else len(self._buf) - HOLD
        while self._step(limit):
            pass
        if final:
            self._pos = len(self._buf)
        out = self._emit(self._pos)
        self._trim()
        return out

    def _step(self, limit: int) -> bool:
        """Handle the next token before ``limit``; False when there is none (more data is needed)."""
        buf = self._buf
        if self._wait is not None:
            end = buf.find(self._wait, self._pos)
            if end < 0:
                self._pos = max(self._pos, len(buf) - len(self._wait) + 1)
                return False
            self._pos = end + len(self._wait)
            self._wait = None
            return True
        match = _TOKEN.search(buf, self._pos)
        if match is None or match.start() >= limit:
            self._pos = max(self._pos, limit)
            return False
        token = match.group()
        if token[:1] == b"&":
            self._ampersand(match.start(), match.group(1))
            self._pos = match.end()
        elif token[:2] == b"</":
            self._close_item(match.end())
        elif token[:5] == b"<item":
            return self._open_item(match.start())
        elif token.upper() == b"<!DOCTYPE":
            raise DoctypeError(self._line_at(match.start()))
        else:
            self._wait = _ENDS[token]
            self._pos = match.end()
        return True

    def _ampersand(self, start: int, name: bytes | None) -> None:
        if name is None:
            self._fixes.append((start, start + 1, b"&amp;"))
            self.repairs += 1
            return
        word = name[:-1]
        if word in _XML_ENTITIES:
            return
        codepoints = html.entities.html5.get(word.decode("ascii") + ";")
        replacement = "".join(f"&#{ord(c)};" for c in codepoints).encode() if codepoints else b"&amp;" + name
        self._fixes.append((start, start + 1 + len(name), replacement))
        self.repairs += 1

    def _open_item(self, start: int) -> bool:
        end = self._buf.find(b">", start)
        if end < 0:
            return False  # the start tag is not complete yet
        if self._depth == 0:
            self._item_start, self._item_line = start, self._line_at(start)
        if self._buf[end - 1 : end] == b"/":
            if self._depth == 0:
                self._finish_item(end + 1)
        else:
            self._depth += 1
        self._pos = end + 1
        return True

    def _close_item(self, end: int) -> None:
        self._pos = end
        if self._depth == 0:
            return  # a stray end tag: the parser reports it
        self._depth -= 1
        if self._depth == 0:
            self._finish_item(end)

    def _finish_item(self, end: int) -> None:
        self.items.append((self._item_line, bytes(self._buf[self._item_start : end])))
        self._item_start = -1

    def _line_at(self, position: int) -> int:
        if position >= self._counted:
            self._line += self._buf.count(b"\n", self._counted, position)
        else:
            self._line -= self._buf.count(b"\n", position, self._counted)
        self._counted = position
        return self._line

    def _emit(self, upto: int) -> bytes:
        pieces: list[bytes] = []
        position = self._emitted
        kept: list[tuple[int, int, bytes]] = []
        for start, end, replacement in self._fixes:
            if end > upto:
                kept.append((start, end, replacement))
                continue
            pieces.append(bytes(self._buf[position:start]))
            pieces.append(replacement)
            position = end
        self._fixes = kept
        upto = max(position, upto)
        pieces.append(bytes(self._buf[position:upto]))
        self._emitted = upto
        out = b"".join(pieces)
        cleaned = out.translate(None, CONTROL)
        self.repairs += len(out) - len(cleaned)
        return cleaned

    def _trim(self) -> None:
        """Forget the bytes that were emitted and belong to no unfinished item."""
        keep_from = min(self._emitted, self._item_start) if self._item_start >= 0 else self._emitted
        if keep_from <= 0:
            return
        self._line_at(keep_from)
        del self._buf[:keep_from]
        self._pos -= keep_from
        self._emitted -= keep_from
        self._counted -= keep_from
        if self._item_start >= 0:
            self._item_start -= keep_from
        self._fixes = [(s - keep_from, e - keep_from, r) for s, e, r in self._fixes]
