"""What a post's HTML points to: links and images, made absolute and safe, and the cleaning options.

Shared by the cleaner (``content``) and the blocks it rebuilds (``content_blocks``). Pure; no network.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element as Element  # type: ignore[import-untyped]

WEB = ("http", "https")


@dataclass(frozen=True)
class Options:
    """How to clean: the post's own URL (for relative links) and whether images may be shown."""

    base_url: str | None = None
    images: bool = False
    image_width: int = 1024  # pixels the reader's text column can show; picks the srcset candidate
    found: list[str] | None = None  # when given, collects the http(s) URL of every image the post shows


def absolute(url: str, base: str | None) -> str:
    """``url`` resolved against ``base``; a malformed URL stays as it is (and is then refused by scheme)."""
    try:
        return urljoin(base or "", url.strip())
    except ValueError:  # e.g. an invalid IPv6 host
        return url.strip()


def scheme(url: str) -> str:
    """The URL's scheme in lower case; empty when it has none or cannot be parsed."""
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def host(url: str) -> str:
    """The URL's host without ``www.``/``m.``; empty when it has none."""
    try:
        name = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return name.removeprefix("www.").removeprefix("m.")


def safe_href(href: str | None, base: str | None) -> str | None:
    """A link target the reader may follow: in-page anchors, absolute http(s) and mailto; otherwise None."""
    if not isinstance(href, str) or not href.strip():
        return None
    if href.strip().startswith("#"):
        return href.strip()
    target = absolute(href, base)
    return target if scheme(target) in (*WEB, "mailto") else None


def best_source(src: str, srcset: str, width: int) -> str:
    """The ``srcset`` candidate that fits ``width``: the smallest at least that wide, else the widest.

    ``srcset`` reads ``url 300w, url 1024w``; ``src`` is the answer when it has no width candidates.
    """
    candidates: list[tuple[int, str]] = []
    for part in srcset.split(","):
        pieces = part.split()
        if len(pieces) == 2 and pieces[1].endswith("w") and pieces[1][:-1].isdecimal():
            candidates.append((int(pieces[1][:-1]), pieces[0]))
    if not candidates:
        return src
    candidates.sort()
    return next((url for w, url in candidates if w >= width), candidates[-1][1])


def is_pixel(img: Element) -> bool:
    """A 1×1 (or 0×0) image: a tracking pixel, never shown."""
    return (img.get("width") or "").strip() in ("0", "1") and (img.get("height") or "").strip() in ("0", "1")


def image_html(img: Element, options: Options) -> str:
    """The image itself when images are allowed, or a placeholder with its alt text; '' for tracking pixels."""
    if is_pixel(img):
        return ""
    src = img.get("src") or img.get("data-src") or ""
    srcset = img.get("srcset")
    if options.images and srcset:
        src = best_source(src, srcset, options.image_width)
    src = absolute(src, options.base_url)
    alt = " ".join((img.get("alt") or "").split())
    web = scheme(src) in WEB
    if options.found is not None and web:
        options.found.append(src)
    if options.images and web:
        return f'<img src="{html.escape(src)}" alt="{html.escape(alt)}">'
    return f'<span class="image">{html.escape(f"[image: {alt}]" if alt else "[image]")}</span>'
