"""The reader's cleaned HTML → Markdown (CommonMark with GitHub's tables, strikethrough and footnotes).

Our own converter over BeautifulSoup, chosen by measuring fidelity on the golden post (a table, a figure with
its caption, footnotes, code: tests/core/golden/export/post.json) against the candidates. markdownify 1.2.3
(MIT) wrote the footnotes as an ordinary numbered list with links back and forth, and a ``|`` inside a cell
broke its table row into four columns; html2text 2025.4.15 (GPL-3.0) dropped the footnote references
(``printing1``), broke the same row and unescaped ``2 * 3``. This one writes ``[^1]`` references with their
definitions, escapes cells, and keeps a caption (in italics) under its figure or table. It reads only the
small subset ``content.clean_content`` produces, so it needs no new dependency.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bs4 import NavigableString, Tag

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = {"p", "ul", "ol", "blockquote", "pre", "table", "hr", "dl", "dt", "dd", "li", "thead", "tbody",
           "tfoot", "tr", "caption", *_HEADINGS}
_EMPHASIS = {"em": "*", "i": "*", "cite": "*", "strong": "**", "b": "**", "del": "~~", "s": "~~"}
_CODE = {"code", "kbd", "samp", "tt", "var"}
_BACKLINKS = {"↩", "↩︎", "↑", "^", "⤴"}
_INLINE_ESCAPE = re.compile(r"([\\`*\[\]<])|(?<!\w)_|_(?!\w)")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])(?=\s|$)", re.M)


def escape(text: str) -> str:
    """Text with Markdown's inline syntax characters escaped."""
    return _INLINE_ESCAPE.sub(lambda m: "\\" + m.group(0), text)


def _fence(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def _code_span(text: str) -> str:
    if not text:
        return ""
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


@dataclass
class Converter:
    """Converts one post's body; ``label`` makes footnote labels unique when many posts share a file."""

    label: str = ""
    _targets: dict[str, Tag] = field(default_factory=dict)  # anchor id → the footnote's list item
    _numbers: dict[str, int] = field(default_factory=dict)  # anchor id → footnote number, by first reference
    _lists: set[int] = field(default_factory=set)  # ids of the lists that hold only footnotes

    def convert(self, body: Tag) -> str:
        """The body as Markdown, footnote definitions at the end."""
        self._find_footnotes(body)
        text = self._join(self._blocks(body))
        notes = []
        for anchor, number in sorted(self._numbers.items(), key=lambda item: item[1]):
            item = self._targets[anchor]
            content = self._join(self._blocks(item, footnote=True)).replace("\n", "\n    ")
            notes.append(f"[^{self.label}{number}]: {content}")
        return "\n\n".join(part for part in (text, "\n".join(notes)) if part) + "\n"

    # -- footnotes ---------------------------------------------------------------------------------------
    def _find_footnotes(self, body: Tag) -> None:
        for item in body.find_all("li"):
            parent = item.parent
            anchor = item.find("a", id=True)
            if parent is not None and parent.name == "ol" and anchor is not None and \
                    anchor.find_parent("li") is item:
                self._targets[str(anchor["id"])] = item
        for link in body.find_all("a", href=True):
            target = str(link["href"])[1:] if str(link["href"]).startswith("#") else ""
            if target in self._targets and link.find_parent("li") is not self._targets[target]:
                self._numbers.setdefault(target, len(self._numbers) + 1)
        for ol in body.find_all("ol"):
            items = ol.find_all("li", recursive=False)
            if items and all(any(self._targets.get(a) is li for a in self._numbers) for li in items):
                self._lists.add(id(ol))

    def _footnote_ref(self, link: Tag) -> str | None:
        href = str(link.get("href") or "")
        number = self._numbers.get(href[1:]) if href.startswith("#") else None
        return f"[^{self.label}{number}]" if number is not None else None

    # -- blocks ------------------------------------------------------------------------------------------
    @staticmethod
    def _join(blocks: list[str]) -> str:
        return "\n\n".join(b for b in blocks if b.strip())

    def _blocks(self, node: Tag, footnote: bool = False) -> list[str]:
        """The children of ``node`` as Markdown blocks (a run of inline content becomes one paragraph)."""
        blocks: list[str] = []
        run: list[str] = []
        for child in node.children:
            if isinstance(child, Tag) and (child.name in _BLOCKS or (child.name == "a" and child.find("p"))):
                blocks.append(self._paragraph(run))
                run = []
                blocks.append(self._block(child))
            elif isinstance(child, Tag) and footnote and child.name == "a" and \
                    child.get_text(strip=True) in _BACKLINKS:
                continue  # a footnote's link back to its reference
            else:
                run.append(self._inline(child))
        blocks.append(self._paragraph(run))
        return blocks

    @staticmethod
    def _paragraph(run: list[str]) -> str:
        text = "".join(run)
        lines = [" ".join(line.split()) for line in text.split("\n")]
        text = "  \n".join(line for line in lines)  # a <br> is a hard line break
        return _LINE_START.sub(r"\1\\\2", text.strip())

    def _block(self, tag: Tag) -> str:
        name = tag.name
        if name in _HEADINGS:
            return "#" * _HEADINGS[name] + " " + self._paragraph([self._inline_children(tag)])
        if name == "p":
            text = self._paragraph([self._inline_children(tag)])
            return f"*{text}*" if "caption" in _classes(tag) and text else text
        if name in ("ul", "ol"):
            return "" if id(tag) in self._lists else self._list(tag)
        if name == "blockquote":
            inner = self._join(self._blocks(tag))
            return "\n".join(("> " + line).rstrip() for line in inner.split("\n"))
        if name == "pre":
            code = tag.get_text().strip("\n")
            fence = _fence(code)
            return f"{fence}\n{code}\n{fence}"
        if name == "hr":
            return "---"
        if name == "table":
            return self._table(tag)
        if name == "dt":
            return "**" + self._paragraph([self._inline_children(tag)]) + "**"
        return self._join(self._blocks(tag))  # dl, dd, li, a holding paragraphs, table parts

    def _list(self, tag: Tag) -> str:
        start = str(tag.get("start") or "1")
        number = int(start) if start.isdecimal() else 1
        items = []
        for item in tag.find_all("li", recursive=False):
            marker = f"{number}. " if tag.name == "ol" else "- "
            number += 1
            blocks = [b for b in self._blocks(item) if b.strip()]
            tight = item.find("p", recursive=False) is None  # text and a nested list: no blank line
            inner = ("\n" if tight else "\n\n").join(blocks)
            indent = " " * len(marker)
            items.append(marker + inner.replace("\n", "\n" + indent).replace("\n" + indent + "\n", "\n\n"))
        return "\n".join(items)

    def _table(self, table: Tag) -> str:
        if {"card", "gallery"} & set(_classes(table)):  # an embed's link card, a gallery: their content
            return self._join([self._join(self._blocks(cell)) for cell in table.find_all("td")])
        rows: list[list[str]] = []
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            cells: list[str] = []
            for cell in tr.find_all(["td", "th"], recursive=False):
                text = " ".join(self._join(self._blocks(cell)).split("\n")).replace("|", "\\|")
                span = str(cell.get("colspan") or "1")
                cells.extend([text] + [""] * ((int(span) if span.isdecimal() else 1) - 1))
            rows.append(cells)
        rows = [r for r in rows if r]
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(["---"] * width) + "|"]
        lines.extend("| " + " | ".join(r) + " |" for r in rows[1:])
        caption = table.find("caption")
        if caption is not None and caption.get_text(strip=True):
            lines.insert(0, f"*{self._paragraph([self._inline_children(caption)])}*\n")
        return "\n".join(lines)

    # -- inline ------------------------------------------------------------------------------------------
    def _inline_children(self, tag: Tag) -> str:
        return "".join(self._inline(child) for child in tag.children)

    def _inline(self, node: object) -> str:  # noqa: C901 - one branch per element, flat
        if isinstance(node, NavigableString):
            return escape(re.sub(r"\s+", " ", str(node)))
        if not isinstance(node, Tag):
            return ""
        name = node.name
        if name == "br":
            return "\n"
        if name == "img":
            alt = escape(str(node.get("alt") or ""))
            return f"![{alt}]({_url(str(node.get('src') or ''))})"
        if name in _CODE:
            return _code_span(node.get_text())
        if name == "a":
            return self._link(node)
        text = self._inline_children(node)
        if name in _EMPHASIS:
            mark = _EMPHASIS[name]
            core = text.strip()
            return text.replace(core, f"{mark}{core}{mark}", 1) if core else text
        if name == "sup" and node.find("a") is not None:
            refs = [self._footnote_ref(a) for a in node.find_all("a")]
            if all(refs):
                return "".join(r for r in refs if r)
        if name in ("sup", "sub"):
            return f"<{name}>{text}</{name}>"
        if name == "q":
            return f"“{text}”"
        if name in _BLOCKS:  # a block inside inline content: keep its words
            return " " + self._join(self._blocks(node)).replace("\n", " ") + " "
        return text

    def _link(self, link: Tag) -> str:
        reference = self._footnote_ref(link)
        if reference:
            return reference
        text = self._inline_children(link)
        href = str(link.get("href") or "")
        anchor = str(link.get("id") or "")
        if anchor and anchor not in self._targets and not href:
            # a link target inside the post: Markdown has none of its own
            return f'<a id="{html.escape(anchor, quote=True)}"></a>{text}'
        if not href or not text.strip():
            return text
        return f"[{text.strip()}]({_url(href)})"


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    return [str(c) for c in value] if isinstance(value, list) else str(value or "").split()


def _url(url: str) -> str:
    """A link destination that survives Markdown: spaces and parentheses escaped, or angle brackets."""
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def to_markdown(body: Tag, label: str = "") -> str:
    """Markdown for a post body (``PreparedPost.body``); ``label`` prefixes its footnote labels."""
    return Converter(label).convert(body)
