"""One post assembled for reading: the single function the window, ``show`` and export all call.

``read_post`` gathers a post's row, terms, author, featured image and stored content HTML from the library and
renders them (``render``) into the reader's HTML and plain text. Nothing here parses the original JSON or XML:
the library stores content in a format-neutral form.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from desktop.core.content import Options
from desktop.core.library import Library
from desktop.core.queries import PostRow, StoredContent
from desktop.core.render import content_body, post_html, post_text, text_byline

DEFAULT_IMAGE_WIDTH = 1024


@dataclass(frozen=True)
class TermLink:
    """A category or tag of a post, by its row id (for ``article-browser:term/ID`` links)."""

    taxonomy: str
    term_id: int
    name: str


@dataclass(frozen=True)
class Image:
    """An image by URL, with its alternative text."""

    url: str
    alt: str


@dataclass(frozen=True)
class RenderedPost:
    """Everything a reader, ``show`` or an export needs of one post."""

    row: PostRow
    content: StoredContent
    terms: tuple[TermLink, ...]
    featured: Image | None
    html: str  # the reader's HTML: title, byline, featured image, cleaned content
    text: str  # the same as plain text: title, byline, paragraphs
    images: tuple[str, ...]  # http(s) URLs of the images in the content (shown, or held back)
    images_shown: bool

    @property
    def held_back(self) -> int:
        """How many images the reader shows as placeholders until the user allows them."""
        return 0 if self.images_shown else len(self.images) + (1 if self.featured else 0)

    @property
    def host(self) -> str:
        """The host images and the original link come from."""
        return urlsplit(self.row.link or "").hostname or self.row.site


def read_post(library: Library, post_id: int, *, images: bool = False,
              image_width: int = DEFAULT_IMAGE_WIDTH) -> RenderedPost | None:
    """The post with row id ``post_id`` rendered for reading; None when there is no such post."""
    row = library.post(post_id)
    content = library.post_content(post_id)
    if row is None or content is None:
        return None
    terms = tuple(TermLink(tax, term_id, name) for tax, term_id, name in library.post_terms(post_id))
    featured_pair = library.featured_image(post_id)
    featured = Image(*featured_pair) if featured_pair and urlsplit(featured_pair[0]).scheme in ("http", "https") \
        else None
    found: list[str] = []
    options = Options(base_url=row.link, images=images, image_width=image_width, found=found)
    body = content_body(row, content, options)  # cleaned once, for the window and the text alike
    html = post_html(row, content, options, terms=[(t.taxonomy, t.term_id, t.name) for t in terms],
                     featured=(featured.url, featured.alt) if featured else None, body=body)
    text = post_text(row, content, text_byline(row, content), body=body)
    return RenderedPost(row, content, terms, featured, html, text, tuple(dict.fromkeys(found)), images)
