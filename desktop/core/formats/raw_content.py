"""Raw post content (what the author typed, as a WXR export holds it) → the HTML the site would serve.

What WordPress does between the database and the page, in its order: a URL alone on a line becomes an
embed; block-editor content loses its ``<!-- wp:… -->`` delimiters (dynamic blocks render nothing without
PHP) and only its classic parts get paragraphs; classic content gets paragraphs from its line breaks
(``wpautop``); shortcodes become figures, galleries, embeds and media, or their inner text. The result is
still raw HTML: ``desktop.core.content`` cleans it for the reader like any other post.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from desktop.core.formats.shortcodes import Context, Image, expand
from desktop.core.formats.wpautop import autop

_BLOCK = re.compile(r"\s+(/)?wp:([a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)(?:\s+\{.*\})?\s+(/)?", re.S)
_AUTOP_BLOCKS = frozenset({"shortcode", "core/shortcode", "freeform", "core/freeform"})
_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)
PROVIDERS = (
    "youtube.com", "youtu.be", "vimeo.com", "twitter.com", "x.com", "soundcloud.com", "spotify.com",
    "instagram.com", "facebook.com", "tiktok.com", "dailymotion.com", "flickr.com", "flic.kr", "ted.com",
    "reddit.com", "tumblr.com", "wordpress.tv", "videopress.com", "slideshare.net", "scribd.com", "mixcloud.com",
    "imgur.com", "kickstarter.com", "speakerdeck.com", "issuu.com", "pinterest.com", "bsky.app", "mastodon.social",
)


def has_blocks(raw: str) -> bool:
    """Whether content was written in the block editor (it holds block delimiters)."""
    return "<!-- wp:" in raw


def render_content(raw: str, images: Mapping[int, Image] | None = None, attached: Sequence[int] = ()) -> str:
    """The HTML a WordPress site would serve for ``raw``; ``images`` and ``attached`` serve ``[gallery]``."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ue000", "").replace("\ue001", "")
    if not text.strip():
        return ""
    context = Context(images or {}, attached)
    if not has_blocks(text):
        return context.fill(_classic(text, context)).strip()
    parts = []
    for mode, piece in split_blocks(text):
        if mode == "classic":
            parts.append(_classic(piece, context))
        elif mode == "autop":
            parts.append(autop(expand(piece, context)))
        elif piece.strip():
            parts.append(expand(piece, context).strip() + "\n")
    return context.fill("".join(parts)).strip()


def _classic(text: str, context: Context) -> str:
    return autop(expand(autoembed(text, context), context))


def autoembed(text: str, context: Context) -> str:
    """URLs alone on a line: an embed (a placeholder for an ``<iframe>``) for known providers, else a link."""
    if "http" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        url = html.unescape(match.group(1))
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        escaped = html.escape(url, quote=True)
        if any(host == p or host.endswith("." + p) for p in PROVIDERS):
            return context.placeholder(f'<iframe src="{escaped}"></iframe>')
        return f'<a href="{escaped}">{html.escape(url, quote=False)}</a>'

    return _URL_LINE.sub(replace, text)


def split_blocks(text: str) -> Iterator[tuple[str, str]]:
    """Block content as ``(mode, html)`` pieces, without their delimiters.

    The mode is ``classic`` (outside any block), ``autop`` (a shortcode or classic block: paragraphs made) or
    ``block`` (kept as it is).
    """
    depth = 0
    mode = "classic"
    cut = position = 0
    while True:
        start = text.find("<!--", position)
        end = text.find("-->", start + 4) if start >= 0 else -1
        if end < 0:
            break
        match = _BLOCK.fullmatch(text, start + 4, end)
        position = end + 3
        if match is None:
            continue  # an ordinary comment: part of the HTML
        if start > cut:
            yield mode, text[cut:start]
        cut = position
        closer, name, void = match.group(1), match.group(2), match.group(3)
        if void:
            continue
        if closer:
            depth = max(depth - 1, 0)
            if depth == 0:
                mode = "classic"
        else:
            if depth == 0:
                mode = "autop" if name in _AUTOP_BLOCKS else "block"
            depth += 1
    if cut < len(text):
        yield mode, text[cut:]
