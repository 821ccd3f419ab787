"""A stored post → something to read. Pure functions."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

_DROPPED = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|pre|figure|figcaption|table|tr|ul|ol|div|section)\s*>|<br\s*/?>"
                        r"|<hr\b[^>]*>", re.I)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def html_to_paragraphs(markup: str) -> str:
    """Readable plain text of an HTML fragment: one paragraph per block, list items bulleted."""
    text = _DROPPED.sub("", markup)
    text = _LIST_ITEM.sub("\n• ", _BLOCK_END.sub("\n\n", text))
    text = html.unescape(_TAG.sub("", text))
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
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def post_text(title: str, byline: str, post: dict[str, Any]) -> str:
    """A post as plain text: title, byline, then its content (or why there is none)."""
    content = post.get("content")
    rendered = content.get("rendered", "") if isinstance(content, dict) else content if isinstance(content, str) else ""
    if isinstance(content, dict) and content.get("protected") is True and not rendered:
        body = "This post is password-protected; WordPress did not include its content."
    else:
        body = html_to_paragraphs(rendered) or "This post is empty."
    underline = "=" * min(len(title), 78)
    return f"{title or '(untitled)'}\n{underline}\n{byline}\n\n{body}\n"


_UNSAFE_BLOCKS = re.compile(r"<(script|style|noscript|template|iframe|object|embed|form|select|textarea|video|audio)"
                            r"\b.*?</\1\s*>", re.S | re.I)
_UNSAFE_TAGS = re.compile(r"<(?:link|meta|base|input|button|source|track|iframe|embed)\b[^>]*>", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_EVENT_ATTRIBUTES = re.compile(r"\s(?:on[a-z]+|style|srcset|sizes)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I)
_SCRIPT_URL = re.compile(r"(href|src)\s*=\s*([\"']?)\s*javascript:[^\"'>\s]*\2", re.I)
_IMAGE = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r"\balt\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)


def _image_note(match: re.Match[str]) -> str:
    alt = _ALT.search(match.group(0))
    text = html.unescape(alt.group(1)[1:-1]).strip() if alt else ""
    return f'<span style="color: gray">[image{": " + html.escape(text) if text else ""}]</span>'



def basic_content_html(markup: str) -> str:
    """A post's HTML without what must never reach the reader.

    Scripts, styles, ``<link>`` (which hides everything after it in QTextBrowser), embeds, forms, event
    handlers, inline styles and ``javascript:`` links go. The reading-view issue replaces this with a full
    transform.
    """
    markup = _COMMENT.sub("", markup)
    markup = _UNSAFE_BLOCKS.sub("", markup)
    markup = _UNSAFE_TAGS.sub("", markup)
    markup = _EVENT_ATTRIBUTES.sub("", markup)
    markup = _IMAGE.sub(_image_note, markup)  # images wait for the reading view's opt-in loading
    return _SCRIPT_URL.sub(r"\1=\2#\2", markup)


def post_html(row: Any, post: dict[str, Any]) -> str:
    """The reader's HTML for a stored post: title, byline (author, date, categories, tags) and content."""
    content = post.get("content")
    rendered = content.get("rendered", "") if isinstance(content, dict) else content if isinstance(content, str) else ""
    if isinstance(content, dict) and content.get("protected") is True and not rendered:
        body = "<p><i>This post is password-protected; WordPress did not include its content.</i></p>"
    elif not rendered.strip():
        body = "<p><i>This post is empty.</i></p>"
    else:
        body = basic_content_html(rendered)
    when = row.date_local.replace("T", " ") + " (site time)" if row.date_is_local and row.date_local else \
        _local_time(row.date_utc)
    byline = [html.escape(part) for part in (f"By {row.author}" if row.author else "", when) if part]
    if row.categories:
        byline.append("in " + html.escape(", ".join(row.categories)))
    if row.tags:
        byline.append("tagged " + html.escape(", ".join(row.tags)))
    link = f' · <a href="{html.escape(row.link, quote=True)}">Original</a>' if row.link else ""
    return (f"<h1>{html.escape(row.title or '(untitled)')}</h1>"
            f"<p style=\"color: gray\">{' · '.join(byline)}{link}</p><hr/>{body}")


def _local_time(seconds: int | None) -> str:
    if seconds is None:
        return "undated"
    return datetime.fromtimestamp(seconds, UTC).astimezone().strftime("%A %d %B %Y, %H:%M")
