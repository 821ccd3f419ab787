"""WordPress exports (WXR 1.0–1.2, Tools ▸ Export) → the same records REST JSON gives. Streams the file.

``read_wxr`` reads the file twice, both times as a stream: first to check it is well-formed and safe and to
index its attachments (so a ``[gallery]`` or a featured image can name images that come later in the file),
then to turn each child of ``<channel>`` into records: ``Author`` for ``wp:author``, ``ListedTerm`` for
``wp:category``/``wp:tag``/``wp:term``, ``Post`` for content items (its HTML rendered from the raw
``content:encoded`` as the site would serve it), ``Media`` for attachments, and ``Skip`` with the reason for
everything else. A file that is not well-formed raises ``WxrError`` before any record is produced.

Identity matches REST JSON: ``site`` is the host of the channel's ``<link>`` (or ``wp:base_blog_url``,
``wp:base_site_url``), ``type`` is ``wp:post_type`` and ``wp_id`` is ``wp:post_id``.
"""

from __future__ import annotations

import mimetypes
import re
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from desktop.core.formats.raw_content import render_content
from desktop.core.formats.rest_json import html_to_text, search_text
from desktop.core.formats.shortcodes import Image
from desktop.core.formats.wxrfields import (
    Fields,
    item_type,
    local_dates,
    modified_of,
    read_fields,
    split_tag,
    utc_dates,
)
from desktop.core.formats.wxrstream import Node, WxrError, looks_like_wxr, read_nodes
from desktop.core.fts_text import for_index
from desktop.core.records import Author, ListedTerm, Media, Post, Record, Skip, TermRef
from desktop.core.taxonomy import NAME_EMBEDDED, NAME_GUESSED, NAME_LISTED, as_int, plain_name
from lxml import etree  # type: ignore[import-untyped]

__all__ = ["WxrError", "looks_like_wxr", "read_wxr"]

MAX_INDEXED = 500_000  # attachments remembered for galleries and featured images
_FIRST_TAGS = ("item", "link", "{*}base_site_url", "{*}base_blog_url")
_MAIN_TAGS = (*_FIRST_TAGS, "{*}author", "{*}category", "{*}tag", "{*}term")
_SITE_SOURCES = {"link": 0, "base_blog_url": 1, "base_site_url": 2}
_TERM_TAGS = {"category": "category", "tag": "post_tag", "term": None}
_SKIPPED_TYPES = {
    "nav_menu_item": ("a menu item", "menu items"),
    "wp_navigation": ("a navigation menu", "navigation menus"),
    "wp_template": ("a theme template", "theme templates"),
    "wp_template_part": ("a theme template part", "theme template parts"),
    "wp_global_styles": ("the theme's global styles", "global styles"),
    "wp_block": ("a reusable block (pattern)", "reusable blocks (patterns)"),
    "custom_css": ("the theme's custom CSS", "custom CSS items"),
    "customize_changeset": ("a Customizer changeset", "Customizer changesets"),
    "oembed_cache": ("a cached oEmbed response", "cached oEmbed responses"),
    "user_request": ("a personal-data request", "personal-data requests"),
    "wp_font_face": ("a font face", "font faces"),
    "wp_font_family": ("a font family", "font families"),
    "revision": ("a revision", "revisions"),
}
_NOUNS = {"post": ("post", "posts"), "page": ("page", "pages"), "attachment": ("media item", "media items")}
_QUERY_ID = re.compile(r"[?&](?:p|page_id|attachment_id)=(\d{1,18})(?:&|#|$)")
_WIDTH = re.compile(r's:5:"width";i:(\d{1,9});')
_HEIGHT = re.compile(r's:6:"height";i:(\d{1,9});')


def read_wxr(path: Path) -> Iterator[Record]:
    """The records of a WordPress export, in file order; raises ``WxrError`` for a broken or unsafe file.

    The error is raised before the first record when the file is not well-formed.
    """
    try:
        index = _first_pass(path, repair=False)
    except WxrError as error:
        if not error.repairable:
            raise
        index = _first_pass(path, repair=True)
    converter = _Converter(index)
    for node in read_nodes(path, tags=_MAIN_TAGS):
        yield from converter.convert(node)


def _first_pass(path: Path, repair: bool) -> _Index:
    index = _Index()
    for node in read_nodes(path, texts=False, repair=repair, tags=_FIRST_TAGS):
        index.add(node)
    return index


class _Index:
    """What the first pass learns: the site, the attachments (as images) and which post each belongs to."""

    def __init__(self) -> None:
        self.site = ""
        self._site_rank = len(_SITE_SOURCES)
        self.images: dict[int, Image] = {}
        self.attached: dict[int, list[tuple[int, int]]] = {}  # parent → [(menu order, id)]
        self.listed: set[int] = set()  # attachments the second pass turns into Media records of their own
        self.offset: int | None = None

    def add(self, node: Node) -> None:
        kind, name = split_tag(node.element.tag)
        if name in _SITE_SOURCES and kind in ("", "wp"):
            self._site_candidate(name, node.element.text)
        elif name == "item" and kind == "":
            is_attachment = item_type(node.element) == "attachment"
            if self.offset is None or is_attachment:
                fields = read_fields(node.element)
                if self.offset is None:
                    self.offset = utc_dates(fields)[3]
                if is_attachment and len(self.images) < MAX_INDEXED:
                    self._attachment(fields)

    def _site_candidate(self, name: str, url: str | None) -> None:
        host = host_of(url)
        rank = _SITE_SOURCES[name]
        if host and rank < self._site_rank:
            self.site, self._site_rank = host, rank

    def _attachment(self, fields: Fields) -> None:
        wp_id = post_id_of(fields)
        url = (fields.wp.get("attachment_url") or fields.guid).strip()
        if wp_id is None or not url:
            return
        self.images[wp_id] = Image(url, plain_name(fields.meta.get("_wp_attachment_image_alt")) or "",
                                   fields.excerpt.strip())
        if _skip(wp_id, "attachment", fields.wp.get("status", "").strip() or None) is None:
            self.listed.add(wp_id)
        parent = as_int(fields.wp.get("post_parent", "").strip())
        if parent:
            order = as_int(fields.wp.get("menu_order", "").strip()) or 0
            self.attached.setdefault(parent, []).append((order, wp_id))

    def attached_to(self, post_id: int) -> list[int]:
        """The ids of the images attached to a post, in gallery order (menu order, then id)."""
        return [wp_id for _, wp_id in sorted(self.attached.get(post_id, []))]


def host_of(url: str | None) -> str:
    """The lower-case host (with port) of a URL, as ``rest_json.site_of`` gives it; "" if none."""
    if not url or "//" not in url:
        return ""
    return urlsplit(url.strip()).netloc.rpartition("@")[2].lower()


class _Converter:
    """The second pass: channel children → records, remembering authors and terms for the items after them."""

    def __init__(self, index: _Index) -> None:
        self._index = index
        self._logins: dict[str, Author] = {}
        self._term_ids: dict[tuple[str, str], int] = {}  # (taxonomy, slug) → term id
        self._offset = index.offset

    def convert(self, node: Node) -> Iterator[Record]:
        kind, name = split_tag(node.element.tag)
        if kind == "" and name == "item":
            yield self._item(node.element, node.text or "")
        elif kind == "wp" and name == "author":
            author = self._author(node.element)
            if author is not None:
                yield author
        elif kind == "wp" and name in _TERM_TAGS:
            term = self._term(node.element, name)
            if term is not None:
                yield term

    def _author(self, element: etree._Element) -> Author | None:
        values = {split_tag(child.tag)[1]: (child.text or "").strip() for child in element}
        login = values.get("author_login", "")
        if not login:
            return None
        wp_id = as_int(values.get("author_id", "")) or synthetic_id(login)
        name = plain_name(values.get("author_display_name")) or login
        author = Author(self._index.site, wp_id, name, login, None, NAME_LISTED, _xml(element))
        # The posts after it carry it without its XML (stored once, with this record): an author without raw
        # text that the library already knows is not written again for every post.
        self._logins[login] = replace(author, raw=None)
        return author

    def _term(self, element: etree._Element, name: str) -> ListedTerm | None:
        values = {split_tag(child.tag)[1]: (child.text or "").strip() for child in element}
        taxonomy = _TERM_TAGS[name] or values.get("term_taxonomy", "")
        slug = values.get("category_nicename") or values.get("tag_slug") or values.get("term_slug") or ""
        label = values.get("cat_name") or values.get("tag_name") or values.get("term_name")
        if not taxonomy or not slug:
            return None
        wp_id = as_int(values.get("term_id", ""))
        if wp_id is not None:
            self._term_ids[(taxonomy, slug)] = wp_id
        parent_slug = values.get("category_parent") or values.get("term_parent") or ""
        parent = self._term_ids.get((taxonomy, parent_slug)) if parent_slug else None
        quality, text = (NAME_LISTED, plain_name(label)) if plain_name(label) else (NAME_GUESSED, None)
        ref = TermRef(taxonomy, wp_id, slug, text, quality, parent)
        return ListedTerm(self._index.site, ref, _xml(element))

    def _item(self, element: etree._Element, text: str) -> Record:
        fields = read_fields(element)
        wp_id = post_id_of(fields)
        post_type = fields.wp.get("post_type", "").strip() or "post"
        status = fields.wp.get("status", "").strip() or None
        skip = _skip(wp_id, post_type, status)
        if skip is not None:
            return skip
        assert wp_id is not None
        if post_type == "attachment":
            return self._media(fields, wp_id, text)
        return self._post(fields, wp_id, post_type, status, text)

    def _media(self, fields: Fields, wp_id: int, text: str) -> Media:
        url = (fields.wp.get("attachment_url") or fields.guid).strip() or None
        metadata = fields.meta.get("_wp_attachment_metadata", "")
        width, height = _WIDTH.search(metadata), _HEIGHT.search(metadata)
        mime = mimetypes.guess_type(urlsplit(url).path)[0] if url else None
        return Media(self._site(fields), wp_id, url, plain_name(fields.meta.get("_wp_attachment_image_alt")) or "",
                     fields.excerpt.strip(), mime, int(width.group(1)) if width else None,
                     int(height.group(1)) if height else None, text)

    def _site(self, fields: Fields) -> str:
        return self._index.site or host_of(fields.link) or host_of(fields.guid)

    def _post(self, fields: Fields, wp_id: int, post_type: str, status: str | None, text: str) -> Post:
        site = self._site(fields)
        utc, local_text, is_local, offset = utc_dates(fields)
        if offset is not None:
            self._offset = offset
        elif utc is None:
            utc, local_text, is_local = local_dates(fields, self._offset)
        author = self._creator(site, fields.creator.strip())
        featured = as_int(fields.meta.get("_thumbnail_id", "").strip()) or None
        # A featured image that is an attachment of this file arrives as its own Media record (with its size and
        # type); the post carries a copy only of one that will not, so the library does not write it twice.
        image = self._index.images.get(featured) if featured and featured not in self._index.listed else None
        content = render_content(fields.content, self._index.images, self._index.attached_to(wp_id))
        return Post(
            site=site, type=post_type, wp_id=wp_id, title=html_to_text(fields.title),
            date_utc=utc, date_local=local_text, date_is_local=is_local, utc_offset=offset,
            modified=modified_of(fields), slug=fields.wp.get("post_name", "").strip() or None, status=status,
            link=fields.link.strip() or None, author_id=author.wp_id if author else None,
            excerpt=html_to_text(fields.excerpt), content_text=for_index(search_text(content)),
            protected=bool(fields.wp.get("post_password", "").strip()), featured_media=featured,
            richness=1 if fields.content.strip() else 0, terms=tuple(self._refs(fields)),
            authors=(author,) if author else (),
            media=(Media(site, featured, image.url, image.alt, image.caption, None, None, None),)
            if image and featured else (),
            raw=text, content=content, raw_format="wxr", sticky=fields.wp.get("is_sticky", "").strip() == "1",
            comment_count=fields.comments,
        )

    def _creator(self, site: str, login: str) -> Author | None:
        if not login:
            return None
        known = self._logins.get(login)
        if known is not None:
            return known
        author = Author(site, synthetic_id(login), login, login, None, NAME_GUESSED)
        self._logins[login] = author
        return author

    def _refs(self, fields: Fields) -> Iterator[TermRef]:
        seen: set[tuple[str, str]] = set()
        categories = fields.categories or [("category", _slug(name), name) for name in fields.plain_categories]
        for domain, slug, label in categories:
            taxonomy = "post_tag" if domain == "tag" else domain
            if (taxonomy, slug) in seen:
                continue
            seen.add((taxonomy, slug))
            wp_id = self._term_ids.get((taxonomy, slug))
            name = plain_name(label)
            yield TermRef(taxonomy, wp_id, slug, name, NAME_EMBEDDED if name else NAME_GUESSED)


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", html_to_text(name).lower()).strip("-") or name


def post_id_of(fields: Fields) -> int | None:
    """``wp:post_id``, or for hand-made exports without it the ``?p=ID`` of the guid or link."""
    wp_id = as_int(fields.wp.get("post_id", "").strip())
    if wp_id is not None:
        return wp_id
    for url in (fields.guid, fields.link):
        match = _QUERY_ID.search(url)
        if match:
            return int(match.group(1))
    return None


def synthetic_id(login: str) -> int:
    """A stable id for an author known only by login (WXR 1.0): negative, so it never meets a real one."""
    return -1 - zlib.crc32(login.encode("utf-8"))


def _skip(wp_id: int | None, post_type: str, status: str | None) -> Skip | None:
    if wp_id is None:
        return Skip("an item without a post id (wp:post_id)", "items without a post id")
    if post_type in _SKIPPED_TYPES:
        return Skip(*_SKIPPED_TYPES[post_type])
    one, many = _NOUNS.get(post_type, (f"{post_type} item", f"{post_type} items"))
    if status == "trash":
        return Skip(f"a {one} in the trash", f"{many} in the trash")
    if status == "auto-draft":
        return Skip(f"an auto-draft {one} (never saved)", f"auto-draft {many} (never saved)")
    if status == "inherit" and post_type != "attachment":
        return Skip(f"a revision or autosave of a {one}", f"revisions or autosaves of {many}")
    return None


def _xml(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode", with_tail=False)
