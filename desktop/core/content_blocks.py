"""Blocks QTextBrowser cannot lay out as they are, rebuilt before cleaning: galleries, embeds, figures, quotes.

Galleries become a grid of their own column count; embeds (players, tweets, Instagram posts, link-preview
"blog cards", WordPress post embeds) become one link card; figures and classic ``wp-caption`` blocks become
an image line with its caption under it; quotes keep their citation, and pull quotes are marked as such.
Cards and galleries are finished HTML (an ``ab-raw`` element carries it to the writer); the rest stays a tree
for the cleaner.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from desktop.core.content_refs import WEB, Options, absolute, host, image_html, safe_href, scheme
from lxml.etree import _Element as Element  # type: ignore[import-untyped]

RAW = "ab-raw"  # an element whose ``html`` attribute the writer emits as it is
GALLERY_COLUMNS = 3
_PROVIDERS = {"youtube.com": "Video", "youtu.be": "Video", "vimeo.com": "Video", "twitter.com": "Post",
              "x.com": "Post", "soundcloud.com": "Audio", "spotify.com": "Audio", "instagram.com": "Post",
              "facebook.com": "Post", "tiktok.com": "Video", "dailymotion.com": "Video"}
_EMBED_TAGS = {"iframe", "embed", "video", "audio"}
_SOCIAL = ("twitter-tweet", "instagram-media", "tiktok-embed", "wp-embedded-content")
_LINK_CARD = re.compile(r"^(?:external-|internal-)?(?:blogcard|blog-card|linkcard|link-card)(?:-wrap)?$")
_BRIEF = 200
_EMBED_PATH = (".//iframe | .//embed | .//video | .//audio | .//figure[contains(@class, 'wp-block-embed')]"
               " | .//blockquote[@class] | .//*[contains(@class, 'card')]")


def classes(tag: Element) -> list[str]:
    """The element's classes."""
    return (tag.get("class") or "").split()


def has_class(tag: Element, *names: str) -> bool:
    """Whether a class is one of ``names`` or starts with one of them and a hyphen."""
    return any(c == n or c.startswith(n + "-") for c in classes(tag) for n in names)


def text_of(tag: Element) -> str:
    """The element's text, whitespace collapsed."""
    return " ".join("".join(tag.itertext()).split())


def brief(text: str, limit: int = _BRIEF) -> str:
    """``text`` cut at a word boundary near ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:|—-") + "…"


def raw(tag: Element, markup: str) -> Element:
    """A placeholder carrying finished HTML to the writer."""
    return tag.makeelement(RAW, {"html": markup})


def replace(old: Element, new: Element) -> None:
    """Put ``new`` where ``old`` is, keeping the text that followed ``old``."""
    parent = old.getparent()
    if parent is None:
        return
    new.tail = old.tail
    old.tail = None
    old.addnext(new)
    parent.remove(old)


def attached(tag: Element, root: Element) -> bool:
    """Whether ``tag`` is still in the tree under ``root`` (an ancestor may have been replaced)."""
    return any(ancestor is root for ancestor in tag.iterancestors())


def restructure(root: Element, options: Options) -> None:
    """Rebuild galleries, embeds, link cards, figures, classic captions and quotes in place."""
    # XPath narrows the candidates in C: a Python look at every element of a long post is most of its time
    for tag in root.xpath(".//*[contains(@class, 'gallery')]"):
        if _is_gallery(tag) and attached(tag, root):
            replace(tag, raw(tag, _gallery(tag, options)))
    for tag in root.xpath(_EMBED_PATH):
        if _is_embed(tag) and attached(tag, root):
            replace(tag, raw(tag, _embed_card(tag, options)))
    for tag in root.xpath(".//figure | .//*[contains(@class, 'wp-caption')]"):
        if attached(tag, root) and (tag.tag == "figure" or has_class(tag, "wp-caption")):
            _figure(tag)
    for tag in list(root.iter("blockquote")):
        _quote(tag)
    for tag in root.xpath(".//a[contains(@class, 'wp-block-file__button')]"):
        _apart(tag)  # a file block's Download button: a browser sets it apart with CSS


def _apart(tag: Element) -> None:
    """A separator before ``tag`` when it follows other text with nothing between them."""
    previous, parent = tag.getprevious(), tag.getparent()
    if previous is not None and not (previous.tail or "").strip():
        previous.tail = " · "
    elif previous is None and parent is not None and (parent.text or "").strip():
        parent.text = parent.text.rstrip() + " · "


def _is_gallery(tag: Element) -> bool:
    return tag.tag in ("figure", "div", "ul") and has_class(tag, "wp-block-gallery", "gallery",
                                                            "blocks-gallery-grid", "tiled-gallery")


def _is_embed(tag: Element) -> bool:
    if tag.tag in _EMBED_TAGS or (tag.tag == "figure" and has_class(tag, "wp-block-embed")):
        return True
    if tag.tag == "blockquote" and has_class(tag, *_SOCIAL):
        return True
    return any(_LINK_CARD.match(c) for c in classes(tag))


def _columns(tag: Element) -> int:
    for name in classes(tag):
        match = re.fullmatch(r"(?:gallery-)?columns-(\d+)", name)
        if match:
            return min(5, max(2, int(match.group(1))))
    return GALLERY_COLUMNS


def _gallery_item(img: Element, gallery: Element) -> Element | None:
    for ancestor in img.iterancestors():
        if ancestor is gallery:
            return None
        if ancestor.tag in ("figure", "li", "dl") or has_class(ancestor, "gallery-item", "tiled-gallery-item"):
            return ancestor
    return None


def _gallery_cell(img: Element, gallery: Element, options: Options, width: int) -> str:
    shown = image_html(img, options)
    link = next((a for a in img.iterancestors("a")), None)
    href = safe_href(link.get("href"), options.base_url) if link is not None else None
    if href:
        shown = f'<a href="{html.escape(href)}">{shown}</a>'
    item = _gallery_item(img, gallery)
    caption = None
    if item is not None:
        caption = next((c for c in item.iter("figcaption", "dd", "p", "div")
                        if c.tag in ("figcaption", "dd") or has_class(c, "wp-caption-text", "gallery-caption")),
                       None)
    words = text_of(caption) if caption is not None else ""
    small = f"<br><small>{html.escape(words)}</small>" if words else ""
    return f'<td align="center" valign="top" width="{width}%">{shown}{small}</td>'


def _gallery(tag: Element, options: Options) -> str:
    columns = _columns(tag)
    cells = [_gallery_cell(img, tag, options, 100 // columns) for img in tag.iter("img")]
    rows = "".join("<tr>" + "".join(cells[i:i + columns]) + "</tr>" for i in range(0, len(cells), columns))
    table = f'<table class="gallery" width="100%" cellpadding="4" cellspacing="0">{rows}</table>'
    caption = next((c for c in tag if c.tag == "figcaption"), None)
    words = text_of(caption) if caption is not None else ""
    return table + (f'<p class="caption">{html.escape(words)}</p>' if words else "")


def _candidates(tag: Element) -> Iterable[str]:
    for element in tag.iter(*_EMBED_TAGS, "source", "a", "blockquote", "figure", "div"):
        for attribute in ("src", "data-src", "href", "data", "cite"):
            value = element.get(attribute)
            if value and value.strip():
                yield value.strip()
    yield from re.findall(r"https?://\S+", "".join(tag.itertext()))


def _embed_url(tag: Element, base: str | None) -> str | None:
    urls = [absolute(url, base) for url in _candidates(tag)]
    urls = [url for url in urls if scheme(url) in WEB]
    if has_class(tag, "twitter-tweet") or tag.find(".//blockquote[@class='twitter-tweet']") is not None:
        # the tweet itself, not the t.co link of its picture
        urls.sort(key=lambda url: "/status/" not in url)
    return _watch_url(urls[0]) if urls else None


def _watch_url(url: str) -> str:
    """Embed player addresses → the page a person would open (``youtube.com/embed/ID`` → ``watch?v=ID``)."""
    match = re.match(r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)", url)
    if match:
        return f"https://www.youtube.com/watch?v={match.group(1)}"
    match = re.match(r"https?://player\.vimeo\.com/video/(\d+)", url)
    if match:
        return f"https://vimeo.com/{match.group(1)}"
    return url


def card(label: str, url: str | None, detail: str = "") -> str:
    """One link card: the label as a link (or plain when there is no URL), a short detail under it."""
    link = f'<a class="card" href="{html.escape(url)}">{html.escape(label)}</a>' if url else html.escape(label)
    small = f"<br><small>{html.escape(detail)}</small>" if detail else ""
    return f'<table class="card" width="100%" cellpadding="10" cellspacing="0"><tr><td>{link}{small}</td></tr></table>'


def _social_text(tag: Element) -> str:
    """What a tweet or Instagram post says, briefly: no picture links, hashtag lists or @-mention lists."""
    quote = tag if tag.tag == "blockquote" else tag.find(".//blockquote")
    if quote is None:
        return ""
    paragraphs = [p for p in quote.iter("p") if text_of(p)]
    words = text_of(paragraphs[0]) if paragraphs else text_of(quote)
    words = re.sub(r"\b(?:pic\.twitter\.com|t\.co)/\S+|https?://\S+", "", words)
    if has_class(quote, "instagram-media"):
        words = re.sub(r"(?:^|\s)[#@][^\s]+", " ", words)
    said = text_of(paragraphs[0]) if paragraphs else ""
    rest = text_of(quote).replace(said, "", 1).strip()
    author = rest if rest.startswith(("—", "-", "\u2014")) else ""
    words = " ".join(words.split()).strip(" |")
    return brief(" ".join(part for part in (words, author) if part))


def _link_card(tag: Element, options: Options) -> str:
    link = tag if tag.tag == "a" else next(tag.iter("a"), None)
    url = safe_href(link.get("href"), options.base_url) if link is not None else None
    title = next((text_of(t) for t in tag.iter() if isinstance(t.tag, str) and has_class(t, "blogcard-title")), "")
    title = title or (link.get("title") or "" if link is not None else "") or text_of(tag)
    snippet = next((text_of(t) for t in tag.iter() if isinstance(t.tag, str) and has_class(t, "blogcard-snippet")),
                   "")
    detail = " · ".join(part for part in (host(url or ""), brief(snippet, 140)) if part)
    return card(brief(title, 120) or "Link", url, detail)


def _embed_card(tag: Element, options: Options) -> str:
    if any(_LINK_CARD.match(c) for c in classes(tag)) or has_class(tag, "wp-embedded-content"):
        return _link_card(tag, options)
    url = _embed_url(tag, options.base_url)
    site = host(url) if url else ""
    kind = next((k for domain, k in _PROVIDERS.items() if site == domain or site.endswith("." + domain)), None)
    kind = kind or {"video": "Video", "audio": "Audio"}.get(tag.tag, "Embedded content")
    caption = tag.find(".//figcaption")
    caption_text = text_of(caption) if caption is not None else ""
    detail = _social_text(tag) or (caption_text if caption_text != url else "")
    return card(f"▶ {kind} on {site}" if site else f"▶ {kind}", url, detail)


def _figure(tag: Element) -> None:
    """An image (or table) on its own line, the caption under it."""
    for caption in list(tag.iter("figcaption", "p", "dd", "div")):
        if caption.tag == "figcaption" or has_class(caption, "wp-caption-text", "wp-caption-dd"):
            caption.tag = "p"
            caption.attrib.clear()
            caption.set("class", "caption")
    for img in list(tag.iter("img")):
        if next(img.iterancestors("p"), None) is not None:
            continue
        link = next(img.iterancestors("a"), None)
        target = img if link is None else link
        line = tag.makeelement("p", {"class": "figure"})
        replace(target, line)
        line.append(target)
        line.tail, target.tail = target.tail, None


def _quote(tag: Element) -> None:
    """A quote keeps its citation on a line of its own; a pull quote is marked as one."""
    parent = tag.getparent()
    if has_class(tag, "wp-block-pullquote", "pullquote") or (
            parent is not None and has_class(parent, "wp-block-pullquote", "pullquote")):
        tag.set("class", "pull")
    else:
        tag.attrib.pop("class", None)
    for cite in list(tag.iter("cite", "footer")):
        inside = next(cite.iterancestors("p", "blockquote"), None)
        if inside is not None and inside.tag == "p":
            continue
        cite.tag = "p"
        cite.attrib.clear()
        cite.set("class", "cite")
        _trim_breaks(cite)
        cite.text = "— " + (cite.text or "").lstrip()


def _trim_breaks(tag: Element) -> None:
    """Line breaks at the start or end of ``tag`` (a citation on a line of its own needs none)."""
    while len(tag) and tag[0].tag == "br" and not (tag.text or "").strip():
        tag.text = (tag.text or "") + (tag[0].tail or "")
        tag.remove(tag[0])
    while len(tag) and tag[-1].tag == "br" and not (tag[-1].tail or "").strip():
        tag.remove(tag[-1])
