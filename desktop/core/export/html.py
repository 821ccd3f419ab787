"""HTML export: one self-contained file (styles and cached images inside it), or a folder with an index.

The page uses the reader's typography in light colours and prints well: each post starts a new page.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from io import TextIOWrapper
from pathlib import Path
from urllib.parse import quote, urlsplit

from desktop.core.export.prepare import MEDIA_TYPES, ImageKind, PreparedPost, post_date
from desktop.core.export.runner import Entry

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1d; background: #fff;
       max-width: 42em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
a { color: #1a5fb4; text-decoration: none; }
h1.title { font-size: 2em; margin-bottom: 2px; }
p { margin: 0 0 12px 0; }
li { margin-bottom: 4px; }
p.byline, p.caption, p.cite, p.notice, span.image { color: #666; }
p.byline { margin-bottom: 18px; }
p.caption { font-size: small; text-align: center; margin-top: 2px; }
p.figure { text-align: center; margin-bottom: 2px; line-height: 100%; }
p.notice { font-style: italic; }
img { max-width: 100%; height: auto; }
blockquote { margin-left: 18px; margin-right: 18px; font-style: italic; }
pre { background: #f4f4f4; padding: 8px; overflow-x: auto; white-space: pre-wrap; }
pre, code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
table { border-collapse: collapse; margin: 6px 0 12px 0; width: 100%; }
td.data, th.data { padding: 4px; border-bottom: 1px solid #ccc; text-align: left; }
table.card { background: #f4f4f4; }
table.card td { padding: 10px; }
nav.contents ol { padding-left: 1.5em; }
article + article { margin-top: 3em; border-top: 1px solid #ccc; padding-top: 1em; }
@media print {
  body { max-width: none; margin: 0; }
  article + article { break-before: page; border-top: none; margin-top: 0; }
  nav.contents { break-after: page; }
  a { color: inherit; }
}
"""


def header_html(post: PreparedPost, heading: str = "h1") -> str:
    """The post's title and byline (author, date, categories, tags, original link) as HTML."""
    row = post.rendered.row
    pieces = []
    if row.author:
        pieces.append(f"By {html.escape(row.author)}")
    date = post_date(post.rendered)
    if date:
        label = date.replace("T", " ").replace("Z", " UTC") + (" (site time)" if row.date_is_local else "")
        pieces.append(html.escape(label))
    if row.categories:
        pieces.append("in " + html.escape(", ".join(row.categories)))
    if row.tags:
        pieces.append("tagged " + html.escape(", ".join(row.tags)))
    if row.link and urlsplit(row.link).scheme in ("http", "https"):
        host = urlsplit(row.link).hostname or row.link
        pieces.append(f'<a href="{html.escape(row.link, quote=True)}">Original on {html.escape(host)}</a>')
    title = html.escape(row.title or "(untitled)")
    return f'<{heading} class="title">{title}</{heading}>\n<p class="byline">{" · ".join(pieces)}</p>\n'


def page_start(title: str, style: str) -> str:
    """An HTML document's opening up to ``<body>``; ``style`` is a ``<style>`` or ``<link>`` element."""
    return (f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n{style}\n</head>\n<body>\n")


class HtmlWriter:
    """Writes one self-contained HTML file, or (``folder``) an index with a page per post."""

    remote_images = True  # an allowed site's images stay as their address, as the reader loads them

    def __init__(self, folder: bool = False, title: str = "Articles") -> None:
        self.folder = folder
        self.title = title
        self._root: Path | None = None
        self._out: TextIOWrapper | None = None
        self._index: list[tuple[str, str, str]] = []  # (file, title, date) of each page
        self._images: dict[str, str] = {}

    def open(self, staging: Path, entries: Sequence[Entry]) -> None:
        """Start the file (with its table of contents), or the folder."""
        self._root = staging
        if self.folder:
            (staging / "posts").mkdir()
            (staging / "style.css").write_text(STYLE.lstrip(), encoding="utf-8")
            return
        self._out = staging.open("w", encoding="utf-8", newline="\n")
        self._out.write(page_start(self.title, f"<style>{STYLE}</style>"))
        if len(entries) > 1:
            self._out.write(f'<nav class="contents">\n<h1>{html.escape(self.title)}</h1>\n<ol>\n')
            for number, entry in enumerate(entries, 1):
                self._out.write(f'<li><a href="#post-{number}">{html.escape(entry.title or "(untitled)")}</a></li>\n')
            self._out.write("</ol>\n</nav>\n")

    def add_image(self, url: str, data: bytes, kind: ImageKind) -> str | None:
        """A data URI inside the one file; a file in ``images/`` beside the folder's pages."""
        if not self.folder:
            return f"data:{MEDIA_TYPES[kind]};base64," + base64.b64encode(data).decode("ascii")
        assert self._root is not None
        if url not in self._images:
            folder = self._root / "images"
            folder.mkdir(exist_ok=True)
            name = f"{len(self._images) + 1}.{kind}"
            (folder / name).write_bytes(data)
            self._images[url] = f"../images/{name}"
        return self._images[url]

    def write(self, post: PreparedPost) -> None:
        """Add one post: an article in the file, or a page of the folder."""
        article = (f'<article id="post-{post.number}">\n{header_html(post)}{post.body_html()}\n</article>\n')
        if self._out is not None:
            self._out.write(article)
            return
        assert self._root is not None
        row = post.rendered.row
        name = f"{post.number:05d}.html"
        page = page_start(row.title or "(untitled)", '<link rel="stylesheet" href="../style.css">')
        page += '<p><a href="../index.html">← All posts</a></p>\n' + article + "</body>\n</html>\n"
        (self._root / "posts" / name).write_text(page, encoding="utf-8", newline="\n")
        self._index.append((name, row.title or "(untitled)", (post_date(post.rendered) or "")[:10]))

    def close(self) -> None:
        """Finish the file, or write the folder's index."""
        if self._out is not None:
            self._out.write("</body>\n</html>\n")
            self._out.close()
            self._out = None
        elif self._root is not None and self.folder:
            lines = [page_start(self.title, '<link rel="stylesheet" href="style.css">'),
                     f'<nav class="contents">\n<h1>{html.escape(self.title)}</h1>\n<ol>\n']
            lines.extend(f'<li><a href="posts/{quote(name)}">{html.escape(title)}</a> '
                         f'<span class="date">{html.escape(date)}</span></li>\n' for name, title, date in self._index)
            lines.append("</ol>\n</nav>\n</body>\n</html>\n")
            (self._root / "index.html").write_text("".join(lines), encoding="utf-8", newline="\n")

    def abort(self) -> None:
        """Close the file without finishing it."""
        if self._out is not None:
            self._out.close()
            self._out = None
