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
