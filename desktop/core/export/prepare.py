"""One post made ready for an export format: the reader's HTML, its images resolved, its anchors unique.

Every format starts from ``read_post``'s HTML, so an export shows what the reader shows. ``prepare`` takes
the title and byline off (each format writes its own heading and metadata from the row), drops the
reader's internal term links, gives anchors ids unique across posts, removes presentational attributes,
and decides each image: the bytes from the image cache when the cache holds it; the remote address when the
format can keep one and the user allowed the post's site; otherwise the reader's ``[image: alt]`` text.
Nothing is ever fetched.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from bs4 import BeautifulSoup, Tag
from desktop.core.reading import RenderedPost
from desktop.core.render import format_utc

ImageKind = Literal["png", "jpeg", "gif", "webp"]
MEDIA_TYPES: dict[ImageKind, str] = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif",
                                     "webp": "image/webp"}
_PRESENTATION = ("width", "height", "cellpadding", "cellspacing", "align", "valign", "border")


def sniff(data: bytes) -> ImageKind | None:
    """The image format of ``data`` by its first bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _nothing_cached(url: str) -> bytes | None:
    return None


@dataclass(frozen=True)
class ImagePolicy:
    """Which images an export may include.

    ``cached`` returns the image cache's bytes for a URL (or None); ``sites`` are the sites whose images the
    user allowed; ``everywhere`` allows every site.
    """

    cached: Callable[[str], bytes | None] = _nothing_cached
    sites: frozenset[str] = frozenset()
    everywhere: bool = False

    def allows(self, site: str) -> bool:
        """Whether the user lets the reader load images of ``site``."""
        return self.everywhere or site in self.sites


class ImageSink(Protocol):
    """What a format does with images: store the bytes (returning the ``src`` to use) or refuse them."""

    remote_images: bool  # whether an allowed image that is not cached may stay as its remote address

    def add_image(self, url: str, data: bytes, kind: ImageKind) -> str | None:
        """Keep the image's bytes; returns the ``src`` that refers to them, or None to show the alt text."""


@dataclass
class PreparedPost:
    """A post ready to write: its ``RenderedPost`` and its body (content without title and byline)."""

    rendered: RenderedPost
    number: int  # 1-based position in the export
    body: BeautifulSoup
    embedded: int = 0  # images included from the cache
    anchors: dict[str, str] = field(default_factory=dict)  # original anchor name → exported id

    def body_html(self) -> str:
        """The body as HTML."""
        return str(self.body).strip()

    def release(self) -> None:
        """Free the parse tree now (it is full of reference cycles the garbage collector would walk)."""
        self.body.decompose()


def prepare(rendered: RenderedPost, policy: ImagePolicy, sink: ImageSink, number: int) -> PreparedPost:
    """``rendered`` made ready for a format; see the module's description."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        soup = BeautifulSoup(rendered.html, "html.parser")
        for name, kind in (("h1", "title"), ("p", "byline")):
            found = soup.find(name, class_=kind)
            if found is not None:
                found.decompose()
        post = PreparedPost(rendered, number, soup)
        _quotes(soup)
        _links(post)
        _images(post, policy, sink)
        for tag in soup.find_all(True):
            for name in _PRESENTATION:
                tag.attrs.pop(name, None)
        return post
    finally:
        if collecting:
            gc.enable()


def _quotes(soup: BeautifulSoup) -> None:
    """Quotes the reader draws as one-row tables (for a rule QTextBrowser cannot draw) become quotes again."""
    for table in soup.find_all("table", class_=["quote", "pull"]):
        cell = table.find("td", class_=["quoted", "pull"])
        if cell is None:
            continue
        quote = soup.new_tag("blockquote")
        if "pull" in (table.get("class") or []):
            quote["class"] = "pull"
        for child in list(cell.children):
            quote.append(child.extract())
        table.replace_with(quote)


def _links(post: PreparedPost) -> None:
    """Anchors get ids unique across the export; links to anchors that do not exist lose their target."""
    for anchor in post.body.find_all("a"):
        name = anchor.get("name")
        if isinstance(name, str) and name:
            del anchor["name"]
            if name not in post.anchors:
                post.anchors[name] = f"p{post.number}-" + re.sub(r"\s+", "-", name)
                anchor["id"] = post.anchors[name]
    for link in post.body.find_all("a", href=True):
        href = str(link["href"])
        if href.startswith("article-browser:"):
            link.unwrap()
        elif href.startswith("#"):
            target = post.anchors.get(href[1:])
            if target is None:
                del link["href"]
            else:
                link["href"] = "#" + target


def _images(post: PreparedPost, policy: ImagePolicy, sink: ImageSink) -> None:
    site = post.rendered.row.site
    for img in post.body.find_all("img"):
        src = str(img.get("src") or "")
        data = policy.cached(src) if src else None
        kind = sniff(data) if data else None
        local = sink.add_image(src, data, kind) if data and kind else None
        if local is not None:
            img["src"] = local
            post.embedded += 1
        elif not (sink.remote_images and src and policy.allows(site)):
            alt = str(img.get("alt") or "").strip()
            placeholder = post.body.new_tag("span", attrs={"class": "image"})
            placeholder.string = f"[image: {alt}]" if alt else "[image]"
            img.replace_with(placeholder)


def byline_parts(post: RenderedPost) -> list[tuple[str, str]]:
    """(label, value) pairs describing a post: author, date, site, categories, tags, link."""
    row = post.row
    parts = []
    if row.author:
        parts.append(("Author", row.author))
    date = post_date(post)
    if date:
        parts.append(("Date", date))
    if row.site:
        parts.append(("Site", row.site))
    if row.categories:
        parts.append(("Categories", ", ".join(row.categories)))
    if row.tags:
        parts.append(("Tags", ", ".join(row.tags)))
    return parts


def post_date(post: RenderedPost) -> str | None:
    """The post's date: ISO 8601 UTC with a Z, or the site's own time (no offset) when the offset is unknown."""
    row = post.row
    if row.date_is_local:
        return row.date_local
    return format_utc(row.date_utc)


def is_tag(node: object) -> bool:
    """Whether a parse-tree node is an element (not text)."""
    return isinstance(node, Tag)
