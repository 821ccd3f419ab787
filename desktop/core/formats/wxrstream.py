"""Stream a WordPress export (WXR) safely: the channel's children one at a time, each item with its own text.

lxml parses with entity resolution, DTD loading and network access off, and without ``huge_tree``; a DOCTYPE
is refused before the parser sees it (``xmlscan``). Each child of ``<channel>`` is handed out when it ends and
cleared afterwards, so memory stays flat whatever the file's size. Errors become ``WxrError`` with the line
and column and the problem in plain words.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from desktop.core.formats.xmlscan import DoctypeError, Scanner
from lxml import etree  # type: ignore[import-untyped]

CHUNK_SIZE = 1 << 16
HEAD_SIZE = 64 << 10
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$")
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)")
_PROLOG_SKIP = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)


class WxrError(Exception):
    """A WXR file cannot be imported; the message is the precise reason, without the file's name."""

    def __init__(self, message: str, repairable: bool = False) -> None:
        super().__init__(message)
        self.repairable = repairable  # reading it with repairs on might succeed


@dataclass(frozen=True)
class Node:
    """A child of ``<channel>``: the element (valid until the next node) and, for an item, its exact text."""

    element: etree._Element
    text: str | None


def looks_like_wxr(head: bytes) -> bool:
    """Whether the first few kilobytes of a file are a WordPress export: ``<rss`` with the export namespace."""
    text = _head_text(head)
    return _prolog(text)[1] == "rss" and "wordpress.org/export/" in text


def _prolog(text: str) -> tuple[int, str | None]:
    """Where the first element or DOCTYPE starts (after the XML declaration, comments and PIs), and its name.

    The name is ``!DOCTYPE`` for a DOCTYPE declaration, None when the text holds no element yet.
    """
    position = 0
    while True:
        skipped = _PROLOG_SKIP.match(text, position)
        if skipped is None or skipped.end() == position:
            break
        position = skipped.end()
    position += len(text) - position - len(text[position:].lstrip())
    if text[position : position + 9].upper() == "<!DOCTYPE":
        return position, "!DOCTYPE"
    match = _FIRST_TAG.match(text, position)
    return position, (match.group(1) if match else None)


def _head_text(head: bytes) -> str:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="replace")
    return head.decode("utf-8", errors="replace")


def not_wxr_reason(head: bytes) -> str | None:
    """Why a file that starts with ``head`` is not a WordPress export (or not safe); None when it looks like one."""
    text = _head_text(head)
    position, name = _prolog(text)
    if name == "!DOCTYPE":
        return doctype_reason(text.count("\n", 0, position) + 1)
    if name is None:
        return "not XML: no element in the first 64 KB" if text.strip() else "an empty file"
    if name != "rss":
        return f"XML, but not a WordPress export: the root element is <{name}>, not <rss>"
    if "wordpress.org/export/" not in text:
        return "an RSS feed, not a WordPress export (no wordpress.org/export namespace)"
    return None


def doctype_reason(line: int | None) -> str:
    """The refusal of a file with a DOCTYPE."""
    where = f" (line {line})" if line else ""
    return (f"has a DOCTYPE declaration{where}; WordPress exports have none, and it is how external entities and "
            "entity bombs get in: refused")


def encoding_of(head: bytes) -> str | None:
    """The Python codec for a file that starts with ``head``, if single-byte for ASCII; None for UTF-16/32."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\x00<", b"<\x00")):
        return None
    declared = _DECLARED.match(head.removeprefix(codecs.BOM_UTF8))
    name = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        codec = codecs.lookup(name)
    except LookupError:
        return None
    return codec.name if "<\n&".encode(codec.name, errors="replace") == b"<\n&" else None


def read_nodes(path: Path, texts: bool = True, repair: bool = True, tags: Sequence[str] = ()) -> Iterator[Node]:
    """The children of ``<rss><channel>``, in order; raises ``WxrError`` for files that are not safe WXR.

    With ``texts`` false, items come without their text; with ``repair`` false, bare ``&``, HTML entities and
    control characters are errors (``WxrError.repairable``) instead of being repaired; both make reading
    faster, for a first pass. ``tags`` limits the children to those names (lxml's ``{*}name`` patterns).
    """
    try:
        with path.open("rb") as source:
            head = source.read(HEAD_SIZE)
            reason = not_wxr_reason(head)
            if reason is not None:
                raise WxrError(reason)
            yield from _Reader(source, head, texts and repair, repair, tags).nodes()
    except MemoryError:
        raise WxrError("too large to import in the memory available") from None


class _Reader:
    def __init__(self, source: BinaryIO, head: bytes, texts: bool, repair: bool, tags: Sequence[str]) -> None:
        self._source = source
        self._head = head
        self._texts = texts
        self._encoding = encoding_of(head)
        self._repair = repair
        self._scanner = Scanner() if self._encoding is not None and repair else None
        self._parser = etree.XMLPullParser(
            events=("end",), tag=list(tags) or None, resolve_entities=False, no_network=True, load_dtd=False,
            huge_tree=False, remove_comments=True, remove_pis=True, dtd_validation=False,
        )
        self._channel: etree._Element | None = None
        self._root_checked = False

    def nodes(self) -> Iterator[Node]:
        data = self._head
        root: etree._Element | None = None
        while True:
            final = not data
            try:
                fed = self._scanner.feed(data, final) if self._scanner is not None else data
                if fed:
                    self._parser.feed(fed)
                if final:
                    root = self._parser.close()
            except DoctypeError as error:
                raise WxrError(doctype_reason(error.line)) from None
            except etree.XMLSyntaxError as error:
                raise WxrError(describe_syntax_error(error), repairable=not self._repair) from None
            yield from self._events()
            if final:
                break
            data = self._source.read(CHUNK_SIZE)
        if self._channel is None and (root is None or root.find("channel") is None):
            raise WxrError("a WordPress export without a <channel> element: nothing to import")

    def _events(self) -> Iterator[Node]:
        for _, element in self._parser.read_events():
            if not self._root_checked:
                self._check_root(element)
            parent = element.getparent()
            if parent is None:
                continue
            if self._channel is None:
                grandparent = parent.getparent()
                if grandparent is None or grandparent.getparent() is not None or parent.tag != "channel":
                    continue
                self._channel = parent
            elif parent is not self._channel:
                continue
            text = self._item_text(element) if element.tag == "item" and self._texts else None
            yield Node(element, text)
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del parent[0]

    def _check_root(self, element: etree._Element) -> None:
        tree = element.getroottree()
        root = tree.getroot()
        self._root_checked = True
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
            raise WxrError(doctype_reason(None))
        if root.tag != "rss":
            raise WxrError(f"XML, but not a WordPress export: the root element is <{root.tag}>, not <rss>")

    def _item_text(self, element: etree._Element) -> str:
        """The item exactly as the file has it; re-serialized only where the scanner could not follow."""
        if self._scanner is not None and self._scanner.items and self._encoding is not None:
            line, data = self._scanner.items.popleft()
            if line == element.sourceline:
                return data.decode(self._encoding, errors="replace")
            self._scanner.items.clear()
            self._scanner = None  # out of step (unusual line breaks): the rest is re-serialized
        return etree.tostring(element, encoding="unicode", with_tail=False)


_CODES = {
    9: "an invalid character",
    23: "an '&' that starts no entity (write &amp;)",
    26: "an undefined entity",
    68: "an '&' that starts no entity (write &amp;)",
    76: "a start tag and an end tag that do not match",
    77: "the file ends before the XML is complete",
    81: "bytes that are not valid in the file's encoding",
    201: "an undeclared namespace prefix",
}
_PREFIX = re.compile(r"Namespace prefix (\S+) (?:for \S+ )?on (\S+) is not defined")
_CHAR = re.compile(r"(?:Char 0x([0-9A-Fa-f]+) out of allowed range|invalid Char value (\d+))")
_TRAILER = re.compile(r",? line \d+, column \d+$")


def describe_syntax_error(error: etree.XMLSyntaxError) -> str:
    """``invalid XML at line 3, column 5: …`` with the problem named (prefix, character, tag…)."""
    line, column = error.position if error.position and error.position[0] else (error.lineno, 0)
    message = _TRAILER.sub("", (error.msg or "").strip())
    detail = _CODES.get(error.code or 0)
    prefix = _PREFIX.search(message)
    char = _CHAR.search(message)
    if prefix:
        detail = f"the namespace prefix '{prefix.group(1)}' (on <{prefix.group(1)}:{prefix.group(2)}>) is not declared"
    elif char:
        value = int(char.group(1), 16) if char.group(1) else int(char.group(2) or 0)
        detail = f"the character U+{value:04X}, which XML does not allow"
    elif detail is None or (message and "Unregistered" not in message):
        detail = f"{detail}: {message}" if detail and message else (message or detail or "not well-formed")
    where = f"line {line}, column {column}" if column else f"line {line}"
    return f"invalid XML at {where}: {detail}"
