"""EPUB 3 export, written as the zip it is.

``mimetype`` first and stored, a navigation document with the table of contents, one XHTML chapter per post,
the images the cache holds, and the package's metadata.

Chapters are written into the zip as they come, so memory stays flat; the package document and the table of
contents, which list every chapter, are written at the end (a zip's order does not matter after ``mimetype``).
"""

from __future__ import annotations

import html
import re
import uuid
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from desktop.core.export.html import header_html
from desktop.core.export.prepare import MEDIA_TYPES, ImageKind, PreparedPost
from desktop.core.export.runner import Entry

LANGUAGE = "und"  # BCP 47 "undetermined": a library mixes sites in any language
_VOID = {"br", "hr", "img", "wbr"}
_RENAMED = {"big": "span", "tt": "code"}  # obsolete in HTML5, so invalid in EPUB 3
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
_BLOCK = ["table", "ul", "ol", "li", "pre", "blockquote", "p", *_HEADINGS, "hr", "dl", "dt", "dd", "div"]
_PHRASING = ["span", "em", "i", "strong", "b", "u", "s", "del", "ins", "mark", "small", "big", "sub", "sup", "code",
             "kbd", "samp", "var", "tt", "abbr", "cite", "q"]  # elements that may hold only phrasing content
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
STYLE = """
body { line-height: 1.45; }
h1.title { font-size: 1.8em; margin-bottom: 0.1em; }
p.byline, p.caption, p.cite, p.notice, span.image { color: #666666; }
p.caption { font-size: small; text-align: center; }
p.figure { text-align: center; }
img { max-width: 100%; }
blockquote { margin-left: 1em; margin-right: 1em; font-style: italic; }
pre { white-space: pre-wrap; font-family: monospace; background-color: #f4f4f4; }
code { font-family: monospace; }
table { border-collapse: collapse; width: 100%; }
td.data, th.data { padding: 0.2em; border-bottom: 1px solid #cccccc; text-align: left; }
table.card { background-color: #f4f4f4; }
"""


def _text(value: str) -> str:
    return html.escape(_NOT_XML.sub("", value), quote=False)


def _attr(value: str) -> str:
    return html.escape(_NOT_XML.sub("", value), quote=True)


def _ascii_host(url: str) -> str:
    """A link with an internationalised host in its ASCII (IDNA) form, which EPUB reading systems parse."""
    parts = urlsplit(url)
    if parts.hostname is None or parts.hostname.isascii():
        return url
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return url
    netloc = parts.netloc.replace(parts.hostname, host) if parts.hostname in parts.netloc else host
    return urlunsplit(parts._replace(netloc=netloc))


def xhtml(root: Tag) -> str:
    """The children of ``root`` as well-formed XHTML (without recursion, so any depth is fine)."""
    out: list[str] = []
    stack: list[object] = list(reversed(list(root.children)))
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            out.append(node)  # a closing tag pushed below
        elif isinstance(node, Tag):
            name = _RENAMED.get(node.name, node.name)
            values = {key: " ".join(value) if isinstance(value, list) else str(value)
                      for key, value in node.attrs.items()}
            if "href" in values:
                values["href"] = _ascii_host(values["href"])
            attrs = "".join(f' {key}="{_attr(value)}"' for key, value in values.items())
            if name in _VOID:
                out.append(f"<{name}{attrs}/>")
                continue
            out.append(f"<{name}{attrs}>")
            stack.append(f"</{name}>")
            stack.extend(reversed(list(node.children)))
        elif isinstance(node, NavigableString) and type(node) is NavigableString:
            out.append(_text(str(node)))
    return "".join(out)


def fit_content_model(body: BeautifulSoup) -> None:
    """Rearrange what HTML5's content models forbid (EPUBCheck rejects it; browsers only repair it).

    Blocks inside phrasing elements, paragraphs holding blocks (an embed's card), lists with items that are
    not ``li``, and definition lists without their ``dt``/``dd`` pairs: all seen in real posts.
    """
    for tag in body.find_all(_PHRASING):
        if tag.find(_BLOCK) is not None:
            tag.unwrap()
    for pre in body.find_all("pre"):
        for inner in pre.find_all(True):
            inner.unwrap()  # code shows as text; markup inside a <pre> was never meant to be a paragraph
    for tag in body.find_all(["p", *_HEADINGS]):
        if tag.find(_BLOCK) is not None:
            tag.name = "div"
    for listing in body.find_all(["ul", "ol"]):
        _fit_list(body, listing)
    for terms in body.find_all("dl"):
        children = [c for c in terms.children if isinstance(c, Tag)]
        stray_text = any(type(c) is NavigableString and c.strip() for c in terms.children)
        if stray_text or not children or children[0].name != "dt" or children[-1].name != "dd" or \
                any(c.name not in ("dt", "dd") for c in children):
            terms.name = "div"
            for child in children:
                child.name = {"dt": "p", "dd": "div"}.get(child.name, child.name)


def _fit_list(soup: BeautifulSoup, listing: Tag) -> None:
    """Whatever sits between a list's items joins the item before it (or an item of its own)."""
    for child in list(listing.children):
        if isinstance(child, Tag) and child.name == "li":
            continue
        if type(child) is NavigableString and not child.strip():
            continue
        before = child.find_previous_sibling("li")
        if before is not None:
            before.append(child.extract())
        else:
            child.wrap(soup.new_tag("li"))


def _document(title: str, body: str, head: str = "") -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
            f'lang="{LANGUAGE}" xml:lang="{LANGUAGE}">\n<head>\n<meta charset="utf-8"/>\n'
            f"<title>{_text(title)}</title>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n")


class EpubWriter:
    """Writes an EPUB 3 book: one chapter per post."""

    folder = False
    remote_images = False  # a book holds its images; an address would be fetched by the reading system

    def __init__(self, title: str = "Articles") -> None:
        self.title = title
        self._zip: zipfile.ZipFile | None = None
        self._chapters: list[tuple[str, str]] = []  # (file name, title)
        self._images: dict[str, tuple[str, str]] = {}  # URL → (file name, media type)
        self._authors: set[str] = set()

    def open(self, staging: Path, entries: Sequence[Entry]) -> None:
        """Start the zip with what must come first."""
        self._zip = zipfile.ZipFile(staging, "w", compression=zipfile.ZIP_DEFLATED)
        self._zip.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        self._zip.writestr("META-INF/container.xml", (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
            '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles>\n</container>\n"))
        self._zip.writestr("OEBPS/style.css", STYLE.lstrip())

    def add_image(self, url: str, data: bytes, kind: ImageKind) -> str | None:
        """Store the image in the book (WebP is not a core EPUB image type before EPUB 3.3: left out)."""
        if kind == "webp" or self._zip is None:
            return None
        if url not in self._images:
            name = f"images/{len(self._images) + 1}.{kind}"
            self._zip.writestr(f"OEBPS/{name}", data, compress_type=zipfile.ZIP_STORED)
            self._images[url] = (name, MEDIA_TYPES[kind])
        return self._images[url][0]

    def write(self, post: PreparedPost) -> None:
        """Add one chapter."""
        assert self._zip is not None
        row = post.rendered.row
        name = f"chapter-{post.number:05d}.xhtml"
        header = xhtml(BeautifulSoup(header_html(post), "html.parser"))
        fit_content_model(post.body)
        body = f"<section>\n{header}{xhtml(post.body)}\n</section>"
        head = '<link rel="stylesheet" type="text/css" href="style.css"/>\n'
        self._zip.writestr(f"OEBPS/{name}", _document(row.title or "(untitled)", body, head))
        self._chapters.append((name, row.title or "(untitled)"))
        if row.author and len(self._authors) < 2:
            self._authors.add(row.author)

    def close(self) -> None:
        """Write the table of contents and the package document, and close the zip."""
        if self._zip is None:
            return
        items = "\n".join(f'<li><a href="{name}">{_text(title)}</a></li>' for name, title in self._chapters)
        nav = (f'<nav epub:type="toc" id="toc">\n<h1>Contents</h1>\n<ol>\n{items or "<li>(no posts)</li>"}'
               "\n</ol>\n</nav>")
        if not self._chapters:
            nav = nav.replace("<li>(no posts)</li>", '<li><a href="nav.xhtml">(no posts)</a></li>')
        self._zip.writestr("OEBPS/nav.xhtml", _document(self.title, nav))
        self._zip.writestr("OEBPS/content.opf", self._package())
        self._zip.close()
        self._zip = None

    def _package(self) -> str:
        modified = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        creator = f"<dc:creator>{_text(next(iter(self._authors)))}</dc:creator>\n" if len(self._authors) == 1 else ""
        manifest = ['<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
                    '<item id="style" href="style.css" media-type="text/css"/>']
        manifest += [f'<item id="c{n}" href="{name}" media-type="application/xhtml+xml"/>'
                     for n, (name, _) in enumerate(self._chapters, 1)]
        manifest += [f'<item id="i{n}" href="{name}" media-type="{media}"/>'
                     for n, (name, media) in enumerate(self._images.values(), 1)]
        spine = [f'<itemref idref="c{n}"/>' for n in range(1, len(self._chapters) + 1)] or ['<itemref idref="nav"/>']
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" '
                f'xml:lang="{LANGUAGE}">\n<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
                f'<dc:identifier id="uid">urn:uuid:{uuid.uuid4()}</dc:identifier>\n'
                f"<dc:title>{_text(self.title)}</dc:title>\n<dc:language>{LANGUAGE}</dc:language>\n{creator}"
                f'<meta property="dcterms:modified">{modified}</meta>\n</metadata>\n'
                f"<manifest>\n{chr(10).join(manifest)}\n</manifest>\n<spine>\n{chr(10).join(spine)}\n</spine>\n"
                "</package>\n")

    def abort(self) -> None:
        """Close the zip without finishing the book."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None
