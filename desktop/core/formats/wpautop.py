"""Paragraphs from line breaks, as WordPress's ``wpautop`` makes them for classic-editor posts. Our own code.

The rules, as the site applies them: a blank line ends a paragraph and a single line break is a ``<br />``;
text at the top level (or directly in a ``<blockquote>``) is wrapped in ``<p>``, text inside other block
elements only when blank lines divide it; block elements are never wrapped; nothing changes inside
``<pre>``, ``<script>``, ``<style>``, ``<textarea>``, ``<svg>``, ``<math>`` and ``<select>``.

The input is split into tags, comments, text and opaque elements in one left-to-right pass; every pattern
used stops at the next ``<``, so the work is linear in the length of the input whatever it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "col", "colgroup", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "legend", "li", "main", "map", "area", "math", "menu", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "style", "script", "textarea", "svg", "select",
    "option", "iframe", "video", "audio", "object", "embed", "noscript",
})
OPAQUE = frozenset({"pre", "script", "style", "textarea", "svg", "math", "select"})
_VOID = frozenset({"hr", "col", "area", "embed", "br", "img", "input"})
_INLINE_CONTAINERS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "caption", "legend", "summary",
                                "figcaption", "address"})
_ALWAYS_WRAP = frozenset({None, "blockquote"})
_TAG = re.compile(r"""<(/?)([A-Za-z][\w:-]{0,63})((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>""")
_BLANK = re.compile(r"\n[ \t\xa0]*\n\s*")
_PLACEHOLDER = "\ue000"
_CLOSERS: dict[str, re.Pattern[str]] = {name: re.compile(f"</{name}\\s*>", re.I) for name in OPAQUE}


@dataclass(frozen=True)
class Token:
    """A piece of the input: ``kind`` is text, comment, tag, opaque (a whole element) or block (a placeholder)."""

    kind: str
    text: str
    name: str = ""
    closing: bool = False

    @property
    def is_block(self) -> bool:
        """Whether it ends the paragraph around it."""
        return self.kind in ("opaque", "block") or (self.kind == "tag" and self.name in BLOCKS)


def tokens(text: str) -> Iterator[Token]:
    """The tags, comments, opaque elements, shortcode placeholders and text of ``text``, in order."""
    position, length = 0, len(text)
    while position < length:
        lt = text.find("<", position)
        mark = text.find(_PLACEHOLDER, position, lt if lt >= 0 else length)
        if mark >= 0:
            end = text.find("\ue001", mark)
            end = length if end < 0 else end + 1
            if mark > position:
                yield Token("text", text[position:mark])
            yield Token("block", text[mark:end])
            position = end
            continue
        if lt < 0:
            yield Token("text", text[position:])
            return
        if lt > position:
            yield Token("text", text[position:lt])
        token, position = _markup(text, lt)
        yield token


def _markup(text: str, lt: int) -> tuple[Token, int]:
    """The token that starts at ``text[lt] == "<"`` and where the next one starts."""
    if text.startswith("<!--", lt):
        end = text.find("-->", lt + 4)
        end = len(text) if end < 0 else end + 3
        return Token("comment", text[lt:end]), end
    match = _TAG.match(text, lt)
    if match is None:
        return Token("text", "<"), lt + 1  # a lone '<' in prose
    name = match.group(2).lower()
    closing = bool(match.group(1))
    if name in OPAQUE and not closing and not match.group(3).rstrip().endswith("/"):
        close = _CLOSERS[name].search(text, match.end())
        end = len(text) if close is None else close.end()
        return Token("opaque", text[lt:end], name), end
    return Token("tag", match.group(), name, closing), match.end()


def autop(text: str) -> str:
    """``text`` with paragraphs and line breaks made from its blank lines and line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    out: list[str] = []
    run: list[Token] = []
    stack: list[str] = []
    for token in tokens(text):
        if not token.is_block:
            run.append(token)
            continue
        _flush(run, stack[-1] if stack else None, out)
        run = []
        out.append(token.text)
        if token.kind == "tag":
            _track(stack, token)
    _flush(run, stack[-1] if stack else None, out)
    return "".join(out).strip() + "\n"


def _track(stack: list[str], token: Token) -> None:
    if token.closing:
        if token.name in stack:
            while stack.pop() != token.name:
                pass
    elif token.name not in _VOID and not token.text.rstrip(">").rstrip().endswith("/"):
        stack.append(token.name)


def _flush(run: list[Token], container: str | None, out: list[str]) -> None:
    """Write a run of inline tokens: as paragraphs where the container calls for them, else as it is."""
    if not run:
        return
    if not any((t.kind == "text" and t.text.strip()) or t.kind == "tag" for t in run):
        out.append("".join(t.text for t in run))  # whitespace and comments between blocks
        return
    paragraphs = _split(run)
    blank_lines = len(paragraphs) > 1
    wrap = container in _ALWAYS_WRAP or (blank_lines and container not in _INLINE_CONTAINERS)
    if not wrap:
        out.append("".join(_breaks(p, keep_edges=True) for p in _join_with_blank(paragraphs)))
        return
    if out and not out[-1].endswith("\n"):
        out.append("\n")
    for paragraph in paragraphs:
        body = _breaks(paragraph, keep_edges=False)
        if any(t.kind == "tag" or (t.kind == "text" and t.text.strip()) for t in paragraph):
            out.append(f"<p>{body}</p>\n")
        elif body:
            out.append(body + "\n")  # only comments (<!--more-->): no paragraph around them


def _split(run: list[Token]) -> list[list[Token]]:
    """The run cut at blank lines in its text."""
    paragraphs: list[list[Token]] = [[]]
    for token in run:
        if token.kind != "text" or "\n" not in token.text:
            paragraphs[-1].append(token)
            continue
        pieces = _BLANK.split(token.text)
        paragraphs[-1].append(Token("text", pieces[0]))
        for piece in pieces[1:]:
            paragraphs.append([Token("text", piece)])
    return [p for p in paragraphs if any(t.text.strip() for t in p)]


def _join_with_blank(paragraphs: list[list[Token]]) -> Iterator[list[Token]]:
    for index, paragraph in enumerate(paragraphs):
        if index:
            yield [Token("text", "\n\n")]
        yield paragraph


def _breaks(paragraph: list[Token], keep_edges: bool) -> str:
    """The paragraph's markup with each line break in its text turned into ``<br />``; edges trimmed or kept."""
    first = next((i for i, t in enumerate(paragraph) if t.kind != "text" or t.text.strip()), len(paragraph))
    last = next((i for i in range(len(paragraph) - 1, -1, -1)
                 if paragraph[i].kind != "text" or paragraph[i].text.strip()), -1)
    if first > last:
        return "".join(t.text for t in paragraph) if keep_edges else ""
    middle = list(paragraph[first : last + 1])
    lead = "".join(t.text for t in paragraph[:first])
    trail = "".join(t.text for t in paragraph[last + 1 :])
    if middle[0].kind == "text":
        body = middle[0].text
        lead += body[: len(body) - len(body.lstrip())]
        middle[0] = Token("text", body.lstrip())
    if middle[-1].kind == "text":
        body = middle[-1].text
        trail = body[len(body.rstrip()) :] + trail
        middle[-1] = Token("text", body.rstrip())
    pieces: list[str] = []
    after_br = False
    for token in middle:
        pieces.append(_br(token.text, after_br) if token.kind == "text" else token.text)
        after_br = (token.kind == "tag" and token.name == "br") or (after_br and not token.text.strip())
    body = "".join(pieces)
    return lead + body + trail if keep_edges else body


_NEWLINE = re.compile(r"[ \t]*\n[ \t]*")


def _br(text: str, after_br: bool) -> str:
    if "\n" not in text:
        return text
    converted = _NEWLINE.sub("<br />\n", text)
    if after_br and not text[: text.index("\n")].strip():
        converted = converted.replace("<br />\n", "\n", 1)
    return converted
