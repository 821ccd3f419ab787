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
_NAMES = "|".join(sorted(BLOCKS, key=len, reverse=True))
_STRUCTURE = re.compile(
    "<!--|\ue000|<(/?)(" + _NAMES + r""")(?=[\s/>])((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>""", re.I
)
_NEWLINE_IN_TAG = re.compile(r"<[A-Za-z/][^<>]*\n[^<>]*>")
_BLANK = re.compile(r"\n[ \t\xa0]*\n\s*")
_PLACEHOLDER = "\ue000"
_HIDDEN = "\ue002"
_COMMENTS_ONLY = re.compile(r"(?:\s*<!--(?:[^-]|-(?!->))*-->)+\s*")
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
    """The block-level tags, comments, opaque elements, shortcode placeholders and the text between them.

    Inline tags are part of the text: only block-level tags shape paragraphs.
    """
    position, length = 0, len(text)
    while position < length:
        match = _STRUCTURE.search(text, position)
        if match is None:
            yield Token("text", text[position:])
            return
        if match.start() > position:
            yield Token("text", text[position : match.start()])
        token, position = _structure(text, match)
        yield token


def _structure(text: str, match: re.Match[str]) -> tuple[Token, int]:
    """The token ``match`` starts, and where the next one starts."""
    start, found = match.start(), match.group()
    if found == _PLACEHOLDER:
        end = text.find("\ue001", start)
        end = len(text) if end < 0 else end + 1
        return Token("block", text[start:end]), end
    if found == "<!--":
        end = text.find("-->", start + 4)
        end = len(text) if end < 0 else end + 3
        return Token("comment", text[start:end]), end
    name = match.group(2).lower()
    closing = bool(match.group(1))
    if name in OPAQUE and not closing and not match.group(3).rstrip().endswith("/"):
        close = _CLOSERS[name].search(text, match.end())
        end = len(text) if close is None else close.end()
        return Token("opaque", text[start:end], name), end
    return Token("tag", found, name, closing), match.end()


def autop(text: str) -> str:
    """``text`` with paragraphs and line breaks made from its blank lines and line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(_HIDDEN, "")
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
        between = "".join(t.text for t in run)  # whitespace and comments between blocks
        out.append(between if between.strip() or not out or not out[-1].endswith("\n") else "")
        if between.strip() or not out[-1].endswith("\n"):
            out.append("\n")
        return
    # Line breaks inside tags and comments are not the author's line breaks: hide them while working.
    joined = "".join(t.text.replace("\n", _HIDDEN) if t.kind != "text" else _hide_tag_breaks(t.text) for t in run)
    paragraphs = [p for p in _BLANK.split(joined) if p.strip()]
    wrap = container in _ALWAYS_WRAP or (len(paragraphs) > 1 and container not in _INLINE_CONTAINERS)
    if not wrap:
        stripped = joined.strip()
        lead = joined[: len(joined) - len(joined.lstrip())]
        trail = joined[len(joined.rstrip()) :]
        body = "<br />\n".join(_br(p.strip()) for p in paragraphs)  # blank lines inside a <p> or heading
        out.append((lead + body + trail).replace(_HIDDEN, "\n") if stripped else joined)
        return
    if out and not out[-1].endswith("\n"):
        out.append("\n")
    for paragraph in paragraphs:
        body = _br(paragraph.strip()).replace(_HIDDEN, "\n")
        out.append(body + "\n" if _COMMENTS_ONLY.fullmatch(body) else f"<p>{body}</p>\n")


def _hide_tag_breaks(text: str) -> str:
    if "\n" not in text or "<" not in text:
        return text
    return _NEWLINE_IN_TAG.sub(lambda m: m.group().replace("\n", _HIDDEN), text)


_HAS_BREAK = re.compile(r"<br", re.I)
_DOUBLE_BREAK = re.compile(r"(<br\s*/?>)<br />\n", re.I)


def _br(text: str) -> str:
    """Each line break in ``text`` (whose tags hold none) as ``<br />``, unless a ``<br>`` is already there."""
    if "\n" not in text:
        return text
    had_breaks = _HAS_BREAK.search(text) is not None
    joined = "<br />\n".join(line.strip(" \t") for line in text.split("\n"))
    return _DOUBLE_BREAK.sub(_line_break, joined) if had_breaks else joined


def _line_break(match: re.Match[str]) -> str:
    return (match.group(1) or "<br />") + "\n"
