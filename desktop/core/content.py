"""A post's WordPress HTML → clean HTML in QTextBrowser's supported subset. Pure; no network, no files.

What QTextBrowser cannot show well is restructured (figures, galleries, embeds); what must never reach it
goes (scripts, styles, ``<link>``, forms, event handlers, ``javascript:`` links, tracking pixels); what
would fight the reader's theme goes (inline colours, fonts, classes). Images are placeholders with their
alt text unless the caller allows images, and then only ``http(s)`` images are kept.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Tag

# Removed with everything inside them.
_DROP = {"script", "style", "link", "meta", "base", "noscript", "template", "form", "input", "button", "select",
         "textarea", "option", "svg", "canvas", "map", "area", "dialog", "head", "title", "object", "param",
         "source", "track", "picture-source"}
# Replaced by a link card.
_EMBEDS = {"iframe", "embed", "video", "audio"}
# Kept, with only the attributes listed.
_KEEP = {
    "p": (), "br": (), "hr": (), "h1": (), "h2": (), "h3": (), "h4": (), "h5": (), "h6": (),
    "ul": (), "ol": ("start",), "li": (), "dl": (), "dt": (), "dd": (),
    "blockquote": (), "pre": (), "code": (), "kbd": (), "samp": (), "var": (),
    "em": (), "i": (), "strong": (), "b": (), "u": (), "s": (), "del": (), "ins": (), "mark": (),
    "sub": (), "sup": (), "small": (), "big": (), "abbr": (), "cite": (), "q": (), "tt": (),
    "table": (), "thead": (), "tbody": (), "tfoot": (), "tr": (), "td": ("colspan", "rowspan"),
    "th": ("colspan", "rowspan"), "caption": (),
    "a": ("href", "name"), "img": ("src", "alt"),
}
# Unwrapped: their children stay, the element goes.
_UNWRAP = {"span", "font", "div", "section", "article", "header", "footer", "main", "aside", "nav", "center",
           "figure", "figcaption", "picture", "label", "fieldset", "details", "summary", "time", "address",
           "body", "html"}
_SHORTCODE = re.compile(
    r"\[/?(?:caption|gallery|embed|video|audio|playlist|wp_caption|contact-form(?:-7)?|vc_\w+|et_pb_\w+|"
    r"fusion_\w+|av_\w+|su_\w+|tie_\w+|row|column|one_half|one_third|two_third|button|divider|spacer|"
    r"tweet|youtube|vimeo|soundcloud|instagram|facebook|googlemaps)\b[^\]]*\]", re.I)
_PROVIDERS = {"youtube.com": "Video", "youtu.be": "Video", "vimeo.com": "Video", "twitter.com": "Post",
              "x.com": "Post", "soundcloud.com": "Audio", "spotify.com": "Audio", "instagram.com": "Post",
              "facebook.com": "Post", "tiktok.com": "Video", "dailymotion.com": "Video"}
GALLERY_COLUMNS = 3


@dataclass(frozen=True)
class Options:
    """How to clean: the post's own URL (for relative links) and whether images may be shown."""

    base_url: str | None = None
    images: bool = False
    image_width: int = 1024  # pixels the reader's text column can show; picks the srcset candidate
    found: list[str] | None = None  # when given, collects the http(s) URL of every image the post shows


def clean_content(markup: str, options: Options = Options()) -> str:
    """The post body as HTML QTextBrowser shows cleanly and safely."""
    # A parse tree is hundreds of thousands of linked objects for a long post. The cyclic garbage collector
    # would walk them all, repeatedly, holding the GIL (here: a 776 ms pause of the GUI thread while a
    # 2 MB post rendered on the worker thread); the tree is freed explicitly below instead.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _clean(markup, options)
    finally:
        if collecting:
            gc.enable()


def _clean(markup: str, options: Options) -> str:
    soup = BeautifulSoup(_SHORTCODE.sub("", markup), "html.parser")
    _remove(soup)
    _restructure(soup, options)
    for tag in soup.find_all(True):
        _clean_tag(soup, tag, options)
    for paragraph in soup.find_all("p"):
        if not paragraph.get_text(strip=True) and paragraph.find(["img", "span", "br"]) is None:
            paragraph.decompose()  # left empty by what was removed
    result = str(soup).strip()
    soup.decompose()  # break the tree's parent/child cycles so reference counting frees it now
    return result


def _remove(soup: BeautifulSoup) -> None:
    """Comments (block markers), what must never be shown, and tracking pixels."""
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all("img"):
        if _is_pixel(tag):
            tag.decompose()


def _restructure(soup: BeautifulSoup, options: Options) -> None:
    """What QTextBrowser cannot lay out as it is: galleries, embeds, figures, quotes, data tables."""
    for tag in soup.find_all(_is_gallery):
        _gallery(soup, tag, options)
    for tag in soup.find_all(_is_embed):
        _embed_card(soup, tag, options)
    for tag in soup.find_all("figure"):
        _figure(soup, tag)
    for tag in soup.find_all("blockquote"):
        _quote(soup, tag)
    for table in soup.find_all("table"):
        if not {"card", "gallery"} & set(_classes(table)):
            for cell in table.find_all(["td", "th"]):
                cell["class"] = "data"  # ruled rows, styled by the reader


def _is_pixel(img: Tag) -> bool:
    return str(img.get("width", "")).strip() in ("0", "1") and str(img.get("height", "")).strip() in ("0", "1")


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    return [str(c) for c in value] if isinstance(value, list) else str(value or "").split()


def _has_class(tag: Tag, *names: str) -> bool:
    classes = _classes(tag)
    return any(c in classes or any(c2.startswith(c + "-") for c2 in classes) for c in names)


def _is_gallery(tag: Tag) -> bool:
    return tag.name in ("figure", "div", "ul") and _has_class(tag, "wp-block-gallery", "gallery",
                                                             "blocks-gallery-grid", "tiled-gallery")


def _is_embed(tag: Tag) -> bool:
    if tag.name in _EMBEDS:
        return True
    if tag.name == "figure" and _has_class(tag, "wp-block-embed"):
        return True
    return tag.name == "blockquote" and _has_class(tag, "twitter-tweet", "instagram-media", "tiktok-embed")


def _embed_url(tag: Tag, base: str | None) -> str | None:
    candidates: list[str] = []
    for element in [tag, *tag.find_all(["iframe", "embed", "video", "audio", "source", "a"])]:
        for attribute in ("src", "data-src", "href", "data"):
            value = element.get(attribute)
            if isinstance(value, str) and value.strip():
                candidates.append(value.strip())
    text = tag.get_text(" ", strip=True)
    candidates.extend(re.findall(r"https?://\S+", text))
    for url in candidates:
        absolute = urljoin(base or "", url)
        if urlsplit(absolute).scheme in ("http", "https"):
            return _watch_url(absolute)
    return None


def _watch_url(url: str) -> str:
    """Embed player addresses → the page a person would open (``youtube.com/embed/ID`` → ``watch?v=ID``)."""
    match = re.match(r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)", url)
    if match:
        return f"https://www.youtube.com/watch?v={match.group(1)}"
    match = re.match(r"https?://player\.vimeo\.com/video/(\d+)", url)
    if match:
        return f"https://vimeo.com/{match.group(1)}"
    return url


def _card(soup: BeautifulSoup, label: str, url: str | None, detail: str = "") -> Tag:
    table = soup.new_tag("table", attrs={"class": "card", "width": "100%", "cellpadding": "10"})
    row = soup.new_tag("tr")
    cell = soup.new_tag("td")
    table.append(row)
    row.append(cell)
    if url:
        link = soup.new_tag("a", href=url)
        link.string = label
        cell.append(link)
    else:
        cell.append(label)
    if detail:
        cell.append(soup.new_tag("br"))
        small = soup.new_tag("small")
        small.string = detail
        cell.append(small)
    return table


def _embed_card(soup: BeautifulSoup, tag: Tag, options: Options) -> None:
    if tag.parent is None:
        return
    url = _embed_url(tag, options.base_url)
    host = urlsplit(url).hostname or "" if url else ""
    host = host.removeprefix("www.").removeprefix("m.")
    kind = next((k for domain, k in _PROVIDERS.items() if host == domain or host.endswith("." + domain)), None)
    if kind is None:
        kind = {"video": "Video", "audio": "Audio"}.get(tag.name, "Embedded content")
    caption = tag.find("figcaption")
    caption_text = caption.get_text(" ", strip=True) if caption else ""
    quote = tag if tag.name == "blockquote" else tag.find("blockquote")
    quoted = " ".join(quote.get_text(" ", strip=True).split()) if quote is not None else ""
    label = f"▶ {kind} on {host}" if host else f"▶ {kind}"
    detail = quoted or (caption_text if caption_text and caption_text != url else "")
    tag.replace_with(_card(soup, label, url, detail))


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


def _image_html(soup: BeautifulSoup, img: Tag, options: Options) -> Tag:
    """The image itself when images are allowed, or a placeholder with its alt text."""
    src = img.get("src")
    src = src.strip() if isinstance(src, str) else ""
    srcset = img.get("srcset")
    if options.images and isinstance(srcset, str):
        src = best_source(src, srcset, options.image_width)
    src = urljoin(options.base_url or "", src)
    alt = str(img.get("alt") or "").strip()
    if options.found is not None and urlsplit(src).scheme in ("http", "https"):
        options.found.append(src)
    if options.images and urlsplit(src).scheme in ("http", "https"):
        return soup.new_tag("img", attrs={"src": src, "alt": alt})
    placeholder = soup.new_tag("span", attrs={"class": "image"})
    placeholder.string = f"[image: {alt}]" if alt else "[image]"
    return placeholder


def _gallery(soup: BeautifulSoup, tag: Tag, options: Options) -> None:
    if tag.parent is None:
        return
    images = list(tag.find_all("img"))
    table = soup.new_tag("table", attrs={"class": "gallery", "width": "100%", "cellpadding": "4"})
    for start in range(0, len(images), GALLERY_COLUMNS):
        row = soup.new_tag("tr")
        for img in images[start : start + GALLERY_COLUMNS]:
            cell = soup.new_tag("td", attrs={"align": "center", "valign": "top"})
            cell.append(_image_html(soup, img, options))
            figure = img.find_parent(["figure", "li", "dl"])
            caption = figure.find(["figcaption", "dd"]) if figure is not None and figure is not tag else None
            if caption is not None and caption.get_text(strip=True):
                cell.append(soup.new_tag("br"))
                small = soup.new_tag("small")
                small.string = caption.get_text(" ", strip=True)
                cell.append(small)
            row.append(cell)
        table.append(row)
    caption = tag.find("figcaption", recursive=False)
    replacement = [table]
    if caption is not None and caption.get_text(strip=True):
        note = soup.new_tag("p", attrs={"class": "caption"})
        note.string = caption.get_text(" ", strip=True)
        replacement.append(note)
    tag.replace_with(*replacement)


def _figure(soup: BeautifulSoup, tag: Tag) -> None:
    """An image (or table) on its own line, the caption under it."""
    caption = tag.find("figcaption")
    if caption is not None:
        note = soup.new_tag("p", attrs={"class": "caption"})
        for child in list(caption.children):
            note.append(child)
        caption.replace_with(note)
    for img in tag.find_all("img", recursive=True):
        if img.find_parent("p") is not None:
            continue
        link = img.find_parent("a")
        (link or img).wrap(soup.new_tag("p", attrs={"class": "figure"}))


def _quote(soup: BeautifulSoup, tag: Tag) -> None:
    """A quote keeps its citation, on a line of its own, after the quoted text."""
    for cite in tag.find_all(["cite", "footer"]):
        paragraph = cite.find_parent("p")
        if paragraph is not None and paragraph.find_parent("blockquote") is tag:
            continue
        line = soup.new_tag("p", attrs={"class": "cite"})
        line.append("— ")
        for child in list(cite.children):
            line.append(child)
        cite.replace_with(line)


def _clean_tag(soup: BeautifulSoup, tag: Tag, options: Options) -> None:
    if tag.parent is None or tag.name is None:
        return
    if tag.name == "img":
        tag.replace_with(_image_html(soup, tag, options))
        return
    if tag.name == "span" and _classes(tag) == ["image"]:
        return  # an image placeholder made above
    if tag.name in _UNWRAP:
        anchor = tag.get("id")
        if isinstance(anchor, str) and anchor:
            tag.insert_before(soup.new_tag("a", attrs={"name": anchor}))
        tag.unwrap()
        return
    allowed = _KEEP.get(tag.name)
    if allowed is None:
        tag.unwrap()
        return
    anchor = tag.get("id")
    keep_class = [c for c in _classes(tag) if c in ("caption", "figure", "cite", "card", "gallery", "image", "data")]
    tag.attrs = {name: value for name, value in tag.attrs.items() if name in allowed}
    if keep_class:
        tag.attrs["class"] = " ".join(keep_class)
    if tag.name == "table":
        tag.attrs.update({"width": "100%", "cellpadding": "4", "cellspacing": "0"})
    if isinstance(anchor, str) and anchor and tag.name != "a":
        tag.insert(0, soup.new_tag("a", attrs={"name": anchor}))
    if tag.name == "a":
        _clean_link(tag, options)


def _clean_link(tag: Tag, options: Options) -> None:
    href = tag.get("href")
    if not isinstance(href, str) or not href.strip():
        return
    href = href.strip()
    if href.startswith("#"):
        return
    absolute = urljoin(options.base_url or "", href)
    if urlsplit(absolute).scheme in ("http", "https", "mailto"):
        tag["href"] = absolute
    else:
        del tag["href"]  # javascript:, data:, file: and relative links without a base go nowhere

