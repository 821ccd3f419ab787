"""A post's WordPress HTML → clean HTML in QTextBrowser's supported subset. Pure; no network, no files.

What QTextBrowser cannot show well is restructured (``content_blocks``: figures, galleries, embeds, quotes);
what must never reach it goes (scripts, styles, ``<link>``, forms, event handlers, ``javascript:`` links,
tracking pixels); what would fight the reader's theme goes (inline colours, fonts, classes). Text directly in
a ``div`` (or ``section``…) becomes a paragraph of its own, as a browser shows it. Images are placeholders with
their alt text unless the caller allows images, and then only ``http(s)`` images are kept.

What would make Qt's layout take minutes is bounded here: nesting depth (tables, lists, quotes, inline tags),
word length (very long words get zero-width break opportunities), text per block and the number of blocks
(past the limit the rest of the post is plain text).
"""

from __future__ import annotations

import html
import re

from desktop.core.content_blocks import GALLERY_COLUMNS, RAW, restructure
from desktop.core.content_refs import Options, best_source, image_html, safe_href
from lxml import etree  # type: ignore[import-untyped]
from lxml.etree import _Element as Element  # type: ignore[import-untyped]

__all__ = ["GALLERY_COLUMNS", "Options", "best_source", "clean_content"]

# Removed with everything inside them.
_DROP = ("script", "style", "link", "meta", "base", "noscript", "template", "form", "input", "button", "select",
         "textarea", "option", "svg", "canvas", "map", "area", "dialog", "head", "title", "object", "param",
         "source", "track", "math", "frameset", "frame", "applet")
# Kept, with only the attributes listed.
_KEEP = {
    "p": (), "h1": (), "h2": (), "h3": (), "h4": (), "h5": (), "h6": (),
    "ul": (), "ol": ("start",), "li": (), "dl": (), "dt": (), "dd": (), "pre": (),
    "code": (), "kbd": (), "samp": (), "var": (), "em": (), "i": (), "strong": (), "b": (), "u": (), "s": (),
    "del": (), "ins": (), "mark": (), "sub": (), "sup": (), "small": (), "big": (), "abbr": (), "cite": (),
    "q": (), "tt": (), "table": (), "thead": (), "tbody": (), "tfoot": (), "tr": (), "td": ("colspan", "rowspan"),
    "th": ("colspan", "rowspan"), "caption": (), "a": ("href", "name"),
}
_RENAMED = {"mark": ("span", ' class="mark"')}  # a highlight Qt knows as a styled span
_CLASSES = {"caption", "figure", "cite"}
# Blocks whose own text becomes paragraphs; the element itself goes.
_DIVLIKE = {"div", "section", "article", "header", "footer", "main", "aside", "nav", "center", "figure",
            "figcaption", "address", "details", "summary", "fieldset", "body", "html", "hgroup", "search",
            "blockquote", "legend"}
_BLOCKS = _DIVLIKE | {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "pre", "table",
                      "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "hr", RAW}
_INLINE = {"code", "kbd", "samp", "var", "em", "i", "strong", "b", "u", "s", "del", "ins", "mark", "sub", "sup",
           "small", "big", "abbr", "cite", "q", "tt", "a"}
_TABLE_PARTS = {"thead", "tbody", "tfoot", "tr", "td", "th", "caption"}
_SHORTCODE = re.compile(
    r"\[/?(?:caption|gallery|embed|video|audio|playlist|wp_caption|contact-form(?:-7)?|vc_\w+|et_pb_\w+|"
    r"fusion_\w+|av_\w+|su_\w+|tie_\w+|row|column|one_half|one_third|two_third|button|divider|spacer|"
    r"tweet|youtube|vimeo|soundcloud|instagram|facebook|googlemaps)\b[^\]]*\]", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# A long run without a break opportunity; CJK text breaks between its characters already (and find in page
# must still match it), so it is not a "word" here.
_LONG_WORD = re.compile(r"[^\s\u200b\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]{64,}")
_URLISH = re.compile(r"[^\s\u200b]{24,}")
_URL_BREAK = re.compile(r"([/?&=#_.-]+)")
ZWSP = "\u200b"

MAX_TABLE_DEPTH = 3  # Qt's layout doubles its work with each level of nested tables (quotes are tables too)
MAX_LIST_DEPTH = 8
MAX_QUOTE_DEPTH = 3
MAX_INLINE_DEPTH = 12
MAX_TABLE_ROWS = 4_000  # rows shown as tables in one post; later tables are rows of text (2,000 rows: ~0.7 s)
MAX_BLOCKS = 20_000  # past this many blocks the rest is plain text (100,000 paragraphs take Qt ~1 s)
BLOCK_TEXT = 8_000  # characters of one text node per block: Qt lays out one long block slowly
WORD_CHUNK = 32  # a very long word may break after this many characters


def clean_content(markup: str, options: Options | None = None) -> str:
    """The post body as HTML QTextBrowser shows cleanly, safely and quickly."""
    options = options or Options()
    text = _CONTROL.sub("", _SHORTCODE.sub("", markup))
    if not text.strip():
        return ""
    try:
        # lxml.etree's parser, not lxml.html's: its element class lookup costs a Python call per element
        root = etree.fromstring(text.encode("utf-8", "replace"), parser=etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, default_doctype=False))
    except (etree.ParserError, ValueError):  # nothing libxml2 recognises as a document
        return _Writer(options).plain_only(text)
    body = root.find("body") if root is not None else None
    if body is None:
        return ""
    etree.strip_elements(body, *_DROP, with_tail=False)
    restructure(body, options)
    return _Writer(options).write(body)


class _Writer:
    """One pass over the tree writing the kept subset, counting depth, blocks and visible content."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.out: list[str] = []
        self.rest: list[str] = []  # text past the block limit
        self.depth = {"table": 0, "list": 0, "quote": 0, "inline": 0, "pre": 0, "flat": 0}
        self.blocks = 0
        self.rows = 0  # table rows shown as tables so far
        self.visible = 0  # pieces of text or images written so far: tells empty paragraphs and rows
        self.stack: list[tuple[str, str]] = []  # open elements as (name, start tag)

    def write(self, body: Element) -> str:
        """The cleaned HTML of ``body``'s content."""
        self.children(body, wrap=True)
        return ("".join(self.out).strip() + self._plain(self.rest)).strip()

    def plain_only(self, text: str) -> str:
        """Markup that could not be parsed, shown as its text."""
        return self._plain([text]).strip()

    def _plain(self, pieces: list[str]) -> str:
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", "".join(pieces))]
        lines = [self._escape(p) for p in paragraphs if p]
        chunks: list[str] = []
        size = 0
        for line in lines:  # running text in a few blocks: a block or a line per paragraph would be as slow
            if not chunks or size > BLOCK_TEXT:
                chunks.append("")
                size = 0
            chunks[-1] += (" ¶ " if size else "") + line
            size += len(line)
        return "".join(f"\n<p>{chunk}</p>" for chunk in chunks)

    # -- the tree

    def children(self, tag: Element, wrap: bool) -> None:
        """Write ``tag``'s content; with ``wrap``, text and inline elements between blocks become paragraphs."""
        if not wrap:
            self.text(tag.text)
            for child in tag:
                self.node(child)
                self.text(child.tail)
            return
        run = self._loose(tag.text, None)
        for child in tag:
            if _is_block(child):
                run = self._close_run(run)
                self.node(child)
            else:
                run = self._open_run(run)
                self.node(child)
            run = self._loose(child.tail, run)
        self._close_run(run)

    def _loose(self, text: str | None, run: tuple[int, int] | None) -> tuple[int, int] | None:
        if not text:
            return run
        if run is None and not text.strip():
            if "\n" in text and not self.plain:
                self.out.append("\n")
            return None
        run = self._open_run(run)
        self.text(text)
        return run

    def _open_run(self, run: tuple[int, int] | None) -> tuple[int, int] | None:
        if run is not None or self.plain:
            return run
        self.blocks += 1
        self.stack.append(("p", "<p>"))
        self.out.append("<p>")
        return (len(self.out) - 1, self.visible)

    def _close_run(self, run: tuple[int, int] | None) -> tuple[int, int] | None:
        if run is None:
            return None
        self.stack.pop()
        if self.visible == run[1]:
            del self.out[run[0]:]
        else:
            self.out.append("</p>")
        return None

    @property
    def plain(self) -> bool:
        """Past the block limit: everything from here on is plain text."""
        return self.blocks > MAX_BLOCKS

    def node(self, tag: Element) -> None:
        """Write one element (its tail is the caller's)."""
        name = tag.tag
        if not isinstance(name, str):
            return
        if self.plain:
            self.rest.append(("\n\n" if name in _BLOCKS else "") + "".join(tag.itertext()))
            return
        if name == RAW:
            self.blocks += 1
            self.visible += 1
            self.out.append(tag.get("html") or "")
        elif name in ("img", "br", "hr"):
            self._void(tag)
        elif self.depth["flat"] and name in _TABLE_PARTS:
            self._flat_table_part(tag)
        elif name == "blockquote":
            self._quote(tag)
        elif name in _KEEP and self._within_limits(tag):
            self._keep(tag)
        else:
            self._unwrap(tag)

    def _unwrap(self, tag: Element) -> None:
        """An element that goes while its content stays (a table nested too deep goes flat)."""
        self._anchor(tag)
        flat = tag.tag == "table"
        self.depth["flat"] += flat
        self.children(tag, wrap=tag.tag in _DIVLIKE or tag.tag in ("ul", "ol", "dl", "table"))
        self.depth["flat"] -= flat

    def _void(self, tag: Element) -> None:
        if tag.tag == "img":
            shown = image_html(tag, self.options)
            self.visible += bool(shown)
            self.out.append(shown)
        elif tag.tag == "br":
            self.out.append("<br>")
        elif not self.depth["table"]:  # a rule inside a table doubles the rows' own rules
            self.blocks += 1
            self.out.append("<hr>")

    def _within_limits(self, tag: Element) -> bool:
        name = tag.tag
        if name == "table":
            if self.depth["table"] >= MAX_TABLE_DEPTH or self.depth["flat"]:
                return False
            self.rows += sum(1 for _ in tag.iter("tr"))
            return self.rows <= MAX_TABLE_ROWS
        if name in ("ul", "ol", "dl"):
            return self.depth["list"] < MAX_LIST_DEPTH
        if name in _INLINE:
            return self.depth["inline"] < MAX_INLINE_DEPTH
        return True

    def _keep(self, tag: Element) -> None:
        name = tag.tag
        kind = {"table": "table", "ul": "list", "ol": "list", "dl": "list", "pre": "pre"}.get(
            name, "inline" if name in _INLINE else "")
        mark = (len(self.out), self.visible)
        start = self._start_tag(tag)
        self.out.append(start)
        self.stack.append((name, start))
        self._anchor(tag, inside=True)
        if kind:
            self.depth[kind] += 1
        self.blocks += name in _BLOCKS
        self.children(tag, wrap=False)
        if kind:
            self.depth[kind] -= 1
        self.stack.pop()
        if name in ("tr", "p") and self.visible == mark[1]:
            del self.out[mark[0]:]  # a separator row, or a paragraph left empty by what was removed
            return
        self.out.append(f"</{_RENAMED.get(name, (name, ''))[0]}>")

    def _start_tag(self, tag: Element) -> str:
        name = tag.tag
        if name in _RENAMED:
            return "<{}{}>".format(*_RENAMED[name])
        attributes = []
        for attribute in _KEEP[name]:
            value = _attribute(tag, attribute, self.options)
            if value is not None:
                attributes.append(f' {attribute}="{html.escape(value)}"')
        kept = [c for c in (tag.get("class") or "").split() if c in _CLASSES]
        if name in ("td", "th"):
            kept.append("data")
        if kept:
            attributes.append(f' class="{" ".join(kept)}"')
        if name == "table":
            attributes.append(' width="100%" cellpadding="4" cellspacing="0"')
        return f"<{name}{''.join(attributes)}>"

    def _anchor(self, tag: Element, inside: bool = False) -> None:
        """An element's ``id`` as a named anchor, so in-page links still arrive."""
        anchor = tag.get("id")
        if anchor and (tag.tag != "a" or not inside):
            self.out.append(f'<a name="{html.escape(anchor)}"></a>')

    def _quote(self, tag: Element) -> None:
        """A quote in a one-row table: a rule on its left (a pull quote: centred between rules)."""
        if self.depth["quote"] >= MAX_QUOTE_DEPTH or self.depth["table"] >= MAX_TABLE_DEPTH:
            self.children(tag, wrap=True)
            return
        self.blocks += 1
        if tag.get("class") == "pull":
            self.out.append('<table class="pull" width="100%" cellpadding="0" cellspacing="0"><tr><td class="pull">')
        else:
            self.out.append('<table class="quote" width="100%" cellpadding="0" cellspacing="0"><tr>'
                            '<td class="rule" width="3"></td><td class="quoted">')
        self.depth["quote"] += 1
        self.depth["table"] += 1
        start = len(self.out)
        self.children(tag, wrap=True)
        self.depth["quote"] -= 1
        self.depth["table"] -= 1
        self._last_paragraph(start)
        self.out.append("</td></tr></table>")

    def _last_paragraph(self, start: int) -> None:
        """The last paragraph in a box gets no space under it (Qt's CSS has no ``:last-child``)."""
        for index in range(len(self.out) - 1, start - 1, -1):
            piece = self.out[index]
            if piece.startswith("<p") and piece.endswith(">") and "</p" not in piece:
                self.out[index] = piece.replace("<p", '<p class="last"', 1) if piece in ("<p>",) else \
                    piece.replace('class="', 'class="last ', 1)
                return
            if piece.startswith(("<table", "<ul", "<ol")):
                return

    def _flat_table_part(self, tag: Element) -> None:
        """Parts of a table nested too deep: rows become paragraphs, cells run on within them."""
        if tag.tag in ("tr", "caption"):
            self.children(tag, wrap=True)
        else:
            self.children(tag, wrap=tag.tag not in ("td", "th"))
            self.out.append(" ")

    # -- text

    def text(self, text: str | None) -> None:
        """Write text, escaped; long words get break opportunities and long text more than one block."""
        if not text:
            return
        if self.plain:
            self.rest.append(text)
            return
        if text.strip():
            self.visible += 1
        if len(text) <= BLOCK_TEXT or not self.stack or self.stack[-1][0] != "p":
            self.out.append(self._escape(text))
            return
        start = 0
        while start < len(text):  # close and reopen the paragraph every BLOCK_TEXT characters or so
            end = text.find(" ", start + BLOCK_TEXT, start + BLOCK_TEXT + 200)
            end = min(len(text), start + BLOCK_TEXT) if end < 0 else end + 1
            if start:
                self.out.append("</p><p>")
                self.blocks += 1
            self.out.append(self._escape(text[start:end]))
            start = end

    def _escape(self, text: str) -> str:
        if self.depth["table"]:
            text = _URLISH.sub(lambda m: _URL_BREAK.sub("\\1" + ZWSP, m.group(0)), text)
        text = _LONG_WORD.sub(_break_word, text)
        escaped = html.escape(text, quote=False)
        if "\u3000" in escaped:  # Qt collapses the ideographic space like any other space
            escaped = escaped.replace("\u3000", '<span style="white-space:pre">\u3000</span>')
        return escaped


def _break_word(match: re.Match[str]) -> str:
    word = match.group(0)
    return ZWSP.join(word[i:i + WORD_CHUNK] for i in range(0, len(word), WORD_CHUNK))


def _is_block(tag: Element) -> bool:
    return isinstance(tag.tag, str) and tag.tag in _BLOCKS


def _attribute(tag: Element, name: str, options: Options) -> str | None:
    value = tag.get(name)
    if value is None:
        return None
    if name == "href":
        return safe_href(value, options.base_url)
    if name in ("colspan", "rowspan", "start"):
        digits = value.strip()
        return str(min(int(digits), 100 if name != "start" else 10**6)) if digits.isdecimal() else None
    return value
