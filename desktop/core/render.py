"""A stored post → something to read. Pure functions."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from desktop.core.content import Options, clean_content
from desktop.core.dates import clamp_utc
from desktop.core.queries import StoredContent

_DROPPED = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|pre|figure|figcaption|table|tr|ul|ol|dl|dt|dd|caption|div|"
                        r"section)\s*>|<br\s*/?>"
                        r"|<hr\b[^>]*>", re.I)
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_CARD_LINK = re.compile(r'<a class="(?:card|more)" href="([^"]*)">(.*?)</a>', re.S)
_IMAGE = re.compile(r'<img\b[^>]*?\balt="([^"]*)"[^>]*>', re.I)
_ZWSP = "\u200b"
PROTECTED = ("This post is password-protected. WordPress does not include the text of protected posts in what it "
             "exports; open the original to read it.")
EMPTY = "This post is empty."
STATUS_LABELS = {"draft": "Draft", "private": "Private", "pending": "Pending review", "future": "Scheduled"}
REMOVED = "Removed from the site"


def status_label(status: str | None, removed: bool = False) -> str | None:
    """What to call a post that is not simply published: "Draft", "Scheduled", "Removed from the site".

    None for a published post (or one whose status is unknown). A status WordPress does not define (a plugin's
    own, such as "archived") is shown by its name, capitalised.
    """
    if removed:
        return REMOVED
    if not status or status == "publish":
        return None
    return STATUS_LABELS.get(status) or status.replace("_", " ").replace("-", " ").capitalize()


def html_to_paragraphs(markup: str) -> str:
    """Readable plain text of an HTML fragment: one paragraph per block, list items bulleted."""
    text = _CARD_LINK.sub(r"\2 (\1)", _DROPPED.sub("", markup))  # a card's or a "read more" link's address
    text = _IMAGE.sub(lambda m: f"[image: {m.group(1)}]" if m.group(1) else "[image]", text)
    text = _LIST_ITEM.sub("\n• ", _BLOCK_END.sub("\n\n", _CELL_END.sub(" ", text)))
    text = html.unescape(_TAG.sub("", text)).replace(_ZWSP, "")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    return "\n\n".join(paragraphs)


def format_utc(seconds: int | None) -> str | None:
    """ISO 8601 in UTC with a Z: ``2021-10-18T16:25:55Z``."""
    if seconds is None:
        return None
    moment = datetime.fromtimestamp(clamp_utc(seconds) or 0, UTC)  # a library from before dates were clamped
    return f"{moment.year:04d}{moment:-%m-%dT%H:%M:%SZ}"  # %Y writes year 1 as "1" here


def content_body(row: Any, content: StoredContent, options: Options) -> str:
    """The reader's HTML of a post's content: cleaned, or why there is none.

    A post with no content but an excerpt (a teaser, a feed that carries summaries only) shows the excerpt and a
    link to the full post on its site; a video-only or embed-only post shows its link card.
    """
    if content.protected and not content.html.strip():
        return f'<p class="notice">{PROTECTED}</p>'
    body = clean_content(content.html, options)
    if _has_content(body):
        return body
    excerpt = clean_content(content.excerpt, options) if content.excerpt else ""
    link = row.link if row.link and urlsplit(row.link).scheme in ("http", "https") else None
    if not _has_content(excerpt):
        return f'<p class="notice">{EMPTY}</p>'
    if link:
        host = html.escape(urlsplit(link).hostname or link)
        excerpt += f'\n<p class="more"><a class="more" href="{html.escape(link)}">Read the full post on {host}</a></p>'
    return excerpt


def _has_content(body: str) -> bool:
    return bool(re.sub(r"<[^>]*>", "", body).strip()) or "<img" in body or 'class="card"' in body


def post_text(row: Any, content: StoredContent, byline: str, body: str | None = None) -> str:
    """A post as plain text: title, byline, then its content (or why there is none).

    ``body`` is the content as the reader shows it (``content_body``); the text says what the window shows.
    """
    if body is None:
        body = content_body(row, content, Options(base_url=row.link))
    body = html_to_paragraphs(body) or EMPTY
    title = row.title or "(untitled)"
    underline = "=" * min(len(title), 78)
    return f"{title}\n{underline}\n{byline}\n\n{body}\n"


def text_byline(row: Any, content: StoredContent | None = None) -> str:
    """The byline of ``show``: status, author, date (UTC, or site time when the offset is unknown), categories, link.

    The status (when the post is not simply published) comes from ``content`` when given.
    """
    when = (row.date_local or "") + " (site time)" if row.date_is_local else format_utc(row.date_utc) or "undated"
    parts = [when.replace("T", " ").replace("Z", " UTC")]
    if row.author:
        parts.insert(0, f"By {row.author}")
    if row.categories:
        parts.append("in " + ", ".join(row.categories))
    if row.link:
        parts.append(row.link)
    label = status_label(content.status, content.removed_at is not None) if content else None
    return " · ".join([label, *parts] if label else parts)


def post_html(row: Any, content: StoredContent, options: Options | None = None, *,
              terms: Sequence[tuple[str, int, str]] = (), featured: tuple[str, str] | None = None,
              body: str | None = None) -> str:
    """The reader's HTML for a stored post: title, byline, featured image, then the cleaned content.

    ``row`` is the library's ``PostRow``; ``terms`` are (taxonomy, term id, name) for links that filter the
    list (``article-browser:term/ID``); ``featured`` is the featured image's (URL, alt text), shown only when
    ``options.images`` is true, as are the content's images. ``body`` is ``content_body``'s answer when the
    caller has it already.
    """
    options = options or Options()
    if options.base_url is None:
        options = replace(options, base_url=row.link)
    if body is None:
        body = content_body(row, content, options)
    parts = [f"<h1 class=\"title\">{html.escape(row.title or '(untitled)')}</h1>", _byline(row, content, terms)]
    if options.images and featured and urlsplit(featured[0]).scheme in ("http", "https"):
        parts.append(f'<p class="figure"><img src="{html.escape(featured[0], quote=True)}" '
                     f'alt="{html.escape(featured[1], quote=True)}"></p>')
    parts.append(body)
    return "\n".join(parts)


def _byline(row: Any, content: StoredContent, terms: Sequence[tuple[str, int, str]]) -> str:
    pieces = []
    label = status_label(content.status, content.removed_at is not None)
    if label:
        pieces.append(f'<span class="status">{html.escape(label)}</span>')
    if row.author:
        pieces.append(f"By {html.escape(row.author)}")
    if row.date_is_local and row.date_local:
        pieces.append(html.escape(row.date_local.replace("T", " ")) + " (site time)")
    elif row.date_utc is not None:
        local = datetime.fromtimestamp(row.date_utc, UTC).astimezone()
        site = f"Site time: {row.date_local.replace('T', ' ')}" if row.date_local else ""
        pieces.append(f'<span title="{html.escape(site, quote=True)}">'
                      f"{html.escape(local.strftime('%A %d %B %Y, %H:%M'))}</span>")
    for taxonomy, label in (("category", "in"), ("post_tag", "tagged")):
        links = [f'<a href="article-browser:term/{term_id}">{html.escape(name)}</a>'
                 for tax, term_id, name in terms if tax == taxonomy]
        if links:
            pieces.append(f"{label} {', '.join(links)}")
    if row.link and urlsplit(row.link).scheme in ("http", "https"):
        host = urlsplit(row.link).hostname or row.link
        pieces.append(f'<a href="{html.escape(row.link, quote=True)}">Original on {html.escape(host)}</a>')
    return f'<p class="byline">{" · ".join(pieces)}</p>'
