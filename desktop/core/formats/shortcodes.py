"""WordPress shortcodes in raw post content → the HTML the reader's cleaner understands. Our own code.

``expand`` replaces ``[caption]``, ``[gallery]``, ``[embed]``, ``[video]``, ``[audio]`` (and embed-like
plugin shortcodes such as ``[youtube]``) with placeholders for block-level HTML, and other shortcodes with
the text inside them. Something in brackets counts as an unknown shortcode only when it looks like one
(a closing tag, ``key=value`` attributes, or a name with ``_`` or ``-``), so ``[1]`` and ``[sic]`` stay text.

Everything is linear in the input: tokens are found with patterns that cannot backtrack past a ``[``, and
pairing uses sorted positions.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
MAX_DEPTH = 30
MAX_TOKENS = 20_000
_TOKEN = re.compile(r"\[(\[?)(/?)([A-Za-z][\w-]{0,63})(?![\w-])([^\[\]]{0,4096}?)(/?)\](\]?)")
_ATTR = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|'([^']*)'|(\S+)"""
)
_IMG = re.compile(r"(?:<a\b[^<>]*>\s*)?<img\b[^<>]*>(?:\s*</a>)?", re.I)
_URL = re.compile(r"https?://[^\s<>\"'\[\]]+")
_BLOCK_CODES = {"caption", "wp_caption", "gallery", "embed", "video", "audio"}
EMBED_LIKE = {"youtube", "vimeo", "soundcloud", "tweet", "twitter", "instagram", "spotify", "dailymotion",
              "flickr", "tiktok", "facebook", "wpvideo"}
_VIDEO_KEYS = ("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mov")
_AUDIO_KEYS = ("src", "mp3", "ogg", "oga", "wav", "m4a", "wma", "flac")


@dataclass(frozen=True)
class Image:
    """An attachment a gallery or caption can show."""

    url: str
    alt: str = ""
    caption: str = ""


@dataclass
class Context:
    """What rendering shortcodes may look up, and the block-level HTML made so far (one per placeholder)."""

    images: Mapping[int, Image] = field(default_factory=dict)
    attached: Sequence[int] = ()
    blocks: list[str] = field(default_factory=list)

    def placeholder(self, markup: str) -> str:
        """A marker for ``markup`` that paragraph-making treats as one block; ``fill`` puts it back."""
        self.blocks.append(markup)
        return f"\ue000{len(self.blocks) - 1}\ue001"

    def fill(self, text: str) -> str:
        """``text`` with every placeholder replaced by its HTML."""
        # A block's HTML can hold earlier blocks (a caption whose text held an unclosed [caption]); a block only
        # ever holds blocks made before it, so one pass in order resolves them all, each used once.
        for number, markup in enumerate(self.blocks):
            if "\ue000" in markup:
                self.blocks[number] = PLACEHOLDER.sub(lambda m: self.blocks[int(m.group(1))], markup)
        return PLACEHOLDER.sub(lambda m: self.blocks[int(m.group(1))], text)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    lead: str
    trail: str
    escaped: bool
    closing: bool
    name: str
    attrs: str
    self_closing: bool


def expand(text: str, context: Context) -> str:
    """``text`` with shortcodes replaced (block-level ones by placeholders registered in ``context``)."""
    if "[" not in text:
        return text
    tokens = [_token(m) for m in itertools.islice(_TOKEN.finditer(text), MAX_TOKENS + 1)]
    if not tokens:
        return text
    if len(tokens) > MAX_TOKENS:  # not a post anyone wrote: keep the words, drop the brackets
        return _TOKEN.sub("", text)
    closes: dict[str, list[int]] = {}
    for index, token in enumerate(tokens):
        if token.closing:
            closes.setdefault(token.name, []).append(index)
    return _Expander(text, tokens, closes, context).run(0, len(tokens), 0, len(text), 0)


def _token(match: re.Match[str]) -> _Token:
    lead, trail = match.group(1), match.group(6)
    escaped = bool(lead) and bool(trail)
    return _Token(match.start(), match.end(), lead, trail, escaped, bool(match.group(2)), match.group(3).lower(),
                  match.group(4), bool(match.group(5)))


class _Expander:
    def __init__(self, text: str, tokens: list[_Token], closes: dict[str, list[int]], context: Context) -> None:
        self.text = text
        self.tokens = tokens
        self.closes = closes
        self.context = context

    def run(self, first: int, last: int, start: int, end: int, depth: int) -> str:
        """The text from ``start`` to ``end`` (holding tokens ``first``..``last``-1), expanded."""
        out: list[str] = [self.text[start : self.tokens[first].start] if first < last else self.text[start:end]]
        index = first
        while index < last:
            token = self.tokens[index]
            close = self._close_of(index, last)
            inner_end = self.tokens[close].start if close is not None else token.end
            after = self.tokens[close].end if close is not None else token.end
            if token.escaped:
                out.append(self.text[token.start + 1 : token.end - 1])
            elif not token.closing:  # a stray closing tag is dropped
                inner = ""
                if close is not None:
                    inner = self._inner(index + 1, close, token.end, inner_end, depth)
                out.append(token.lead + self._render(token, inner, close is not None) + token.trail)
            index = close + 1 if close is not None else index + 1
            following = self.tokens[index].start if index < last else end
            out.append(self.text[after:following])
        return "".join(out)

    def _inner(self, first: int, last: int, start: int, end: int, depth: int) -> str:
        if first == last:
            return self.text[start:end]
        if depth >= MAX_DEPTH:  # hostile nesting: keep the words, drop the brackets
            return _TOKEN.sub("", self.text[start:end])
        return self.run(first, last, start, end, depth + 1)

    def _close_of(self, index: int, last: int) -> int | None:
        token = self.tokens[index]
        if token.closing or token.self_closing or token.escaped:
            return None
        positions = self.closes.get(token.name)
        if not positions:
            return None
        found = bisect.bisect_right(positions, index)
        return positions[found] if found < len(positions) and positions[found] < last else None

    def _render(self, token: _Token, inner: str, paired: bool) -> str:
        name = token.name
        if name in _BLOCK_CODES or name in EMBED_LIKE:
            attrs = parse_attrs(token.attrs)
            markup = _render_known(name, attrs, inner, self.context)
            return self.context.placeholder(markup) if markup else ""
        if paired or "=" in token.attrs or "_" in token.name or "-" in token.name:
            return inner
        return self.text[token.start + len(token.lead) : token.end - len(token.trail)]  # [sic]: prose


def parse_attrs(text: str) -> dict[str, str]:
    """Shortcode attributes: ``key="value"``, ``key='value'``, ``key=value``; bare values under "0", "1", …."""
    attrs: dict[str, str] = {}
    position = 0
    for match in _ATTR.finditer(text.replace("\u00a0", " ").replace("\u200b", " ")):
        if match.group(1):
            attrs[match.group(1).lower()] = match.group(2)
        elif match.group(3):
            attrs[match.group(3).lower()] = match.group(4)
        elif match.group(5):
            attrs[match.group(5).lower()] = match.group(6)
        else:
            value = next(g for g in (match.group(7), match.group(8), match.group(9)) if g is not None)
            if value != "/":
                attrs[str(position)] = value
                position += 1
    return attrs


def _render_known(name: str, attrs: dict[str, str], inner: str, context: Context) -> str:
    if name in ("caption", "wp_caption"):
        return _caption(attrs, inner)
    if name == "gallery":
        return _gallery(attrs, context)
    if name == "video":
        return _media("video", attrs, _VIDEO_KEYS, inner)
    if name == "audio":
        return _media("audio", attrs, _AUDIO_KEYS, inner)
    url = first_url(inner, attrs)
    return f'<iframe src="{_attr(url)}"></iframe>' if url else ""


def first_url(inner: str, attrs: Mapping[str, str]) -> str | None:
    """The first http(s) URL in a shortcode's content or attributes."""
    for candidate in (inner, attrs.get("url", ""), attrs.get("src", ""), *attrs.values()):
        match = _URL.search(html.unescape(candidate))
        if match:
            return match.group()
    return None


def _attr(value: str) -> str:
    return html.escape(html.unescape(value), quote=True)


def _caption(attrs: dict[str, str], inner: str) -> str:
    image = _IMG.search(inner)
    picture = image.group() if image else ""
    text = attrs.get("caption") or (inner[: image.start()] + inner[image.end() :] if image else inner)
    align = attrs.get("align", "").strip()
    classes = "wp-caption" + (f" {html.escape(align, quote=True)}" if re.fullmatch(r"[\w-]+", align) else "")
    caption = f"<figcaption>{text.strip()}</figcaption>" if text.strip() else ""
    return f'<figure class="{classes}">{picture}{caption}</figure>'


def _gallery(attrs: dict[str, str], context: Context) -> str:
    listed = attrs.get("ids") or attrs.get("include") or ""
    ids = [int(part) for part in re.findall(r"\d{1,18}", listed)][:500] if listed else list(context.attached)
    columns = attrs.get("columns", "3").strip()
    columns = columns if columns.isdecimal() and 0 < int(columns) < 10 else "3"
    if not ids:
        return '<p class="gallery-missing">(A gallery: its images are not in this export.)</p>'
    items = []
    for wp_id in ids:
        image = context.images.get(wp_id)
        if image is None:
            items.append(f'<figure class="gallery-item"><img alt="image {wp_id}" /></figure>')
            continue
        caption = f'<figcaption class="gallery-caption">{image.caption}</figcaption>' if image.caption else ""
        items.append(f'<figure class="gallery-item"><img src="{_attr(image.url)}" alt="{_attr(image.alt)}" />'
                     f"{caption}</figure>")
    return f'<div class="gallery gallery-columns-{columns}">{"".join(items)}</div>'


def _media(tag: str, attrs: dict[str, str], keys: tuple[str, ...], inner: str) -> str:
    # ``[audio https://…/a.mp3]``: WordPress's theme test data writes the address bare, as for [embed].
    bare = {key: value for key, value in attrs.items() if key.isdecimal()}
    url = next((attrs[key] for key in keys if attrs.get(key, "").strip()), None) or first_url(inner, bare)
    if not url:
        return ""
    url = html.unescape(url.strip())
    if urlsplit(url).scheme not in ("http", "https", ""):
        return ""
    return f'<{tag} src="{_attr(url)}" controls="controls"></{tag}>'
