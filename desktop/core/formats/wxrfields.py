"""One WXR ``<item>`` element → its fields, read in one walk over its children; and its dates.

Elements are told apart by namespace, not prefix: ``wp`` is any ``http://wordpress.org/export/1.N/``
(a file may redeclare the prefix for something else), ``excerpt`` is the ``…/excerpt/`` namespace beside it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree  # type: ignore[import-untyped]

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
_WP = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/(excerpt/)?$")
_TAGS: dict[str, tuple[str, str]] = {}
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})\s*$")


@dataclass
class Fields:
    """The parts of an item the records need; ``wp`` maps a ``wp:`` child's local name to its text."""

    wp: dict[str, str] = field(default_factory=dict)
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    categories: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    plain_categories: list[str] = field(default_factory=list)  # <category>Name</category> (WXR 1.0, hand-made)
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0  # approved comments


def split_tag(tag: object) -> tuple[str, str]:
    """``("wp", "post_id")`` for ``{http://wordpress.org/export/1.2/}post_id``.

    The kinds are wp, excerpt, content, dc, "" (no namespace) and "other".
    """
    if not isinstance(tag, str):
        return "other", ""
    known = _TAGS.get(tag)
    if known is not None:
        return known
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        match = _WP.match(namespace)
        if match:
            kind = "excerpt" if match.group(1) else "wp"
        else:
            kind = {CONTENT_NS: "content", DC_NS: "dc"}.get(namespace, "other")
    else:
        kind, name = "", tag
    if len(_TAGS) < 4096:
        _TAGS[tag] = (kind, name)
    return kind, name


def item_type(item: etree._Element) -> str:
    """The item's ``wp:post_type`` ("post" when it has none), found without reading the other fields."""
    for child in item.iterchildren("{*}post_type"):
        if split_tag(child.tag)[0] == "wp":
            return (child.text or "").strip() or "post"
    return "post"


def read_fields(item: etree._Element) -> Fields:
    """The fields of one ``<item>``."""
    fields = Fields()
    wp = fields.wp
    for child in item:
        kind, name = _TAGS.get(child.tag) or split_tag(child.tag)
        text = child.text or ""
        if kind == "wp":
            if name == "postmeta" or name == "comment":
                _wp_child(fields, child, name, text)
            elif name not in wp:  # most children: a plain value, set here without a call
                wp[name] = text
        elif kind == "":
            _plain_child(fields, child, name, text)
        elif kind == "content" and name == "encoded":
            fields.content = text
        elif kind == "excerpt" and name == "encoded":
            fields.excerpt = text
        elif kind == "dc" and name == "creator":
            fields.creator = text
    return fields


def _plain_child(fields: Fields, child: etree._Element, name: str, text: str) -> None:
    if name == "title":
        fields.title = text
    elif name == "link":
        fields.link = text
    elif name == "guid":
        fields.guid = text
    elif name == "category":
        domain, nicename = child.get("domain"), child.get("nicename")
        if domain and nicename:
            fields.categories.append((domain, nicename, text))
        elif not domain and text.strip():
            fields.plain_categories.append(text.strip())


def _wp_child(fields: Fields, child: etree._Element, name: str, text: str) -> None:
    if name == "postmeta":
        key = value = ""
        for part in child:
            kind, part_name = split_tag(part.tag)
            if kind == "wp" and part_name == "meta_key":
                key = (part.text or "").strip()
            elif kind == "wp" and part_name == "meta_value":
                value = part.text or ""
        if key and key not in fields.meta:
            fields.meta[key] = value
    elif name == "comment":
        approved = next((c.text for c in child if split_tag(c.tag) == ("wp", "comment_approved")), "1")
        if (approved or "").strip() == "1":
            fields.comments += 1
    elif name not in fields.wp:
        fields.wp[name] = text


def _parse(value: str | None) -> tuple[str, int] | None:
    """``("2024-03-01T10:00:00", epoch seconds taking it as UTC)``; None for zero, empty or invalid dates."""
    match = _DATE.match(value or "")
    if match is None or match.group(1) == "0000":
        return None
    parts = [int(g) for g in match.groups()]
    try:
        moment = datetime(*parts)  # type: ignore[arg-type]
    except ValueError:
        return None
    return moment.isoformat(), calendar.timegm(moment.timetuple())


def utc_dates(fields: Fields) -> tuple[int | None, str | None, bool, int | None]:
    """(UTC epoch, local date text, False, offset) from ``post_date_gmt`` and ``post_date``.

    The offset is the site's, in seconds east of UTC, when both dates are there; UTC is None without a GMT date.
    """
    gmt = _parse(fields.wp.get("post_date_gmt"))
    local = _parse(fields.wp.get("post_date"))
    if gmt is None:
        return None, local[0] if local else None, False, None
    return gmt[1], local[0] if local else None, False, (local[1] - gmt[1]) if local else None


def local_dates(fields: Fields, offset: int | None) -> tuple[int | None, str | None, bool]:
    """(UTC epoch, local date text, whether UTC is really local time) from ``post_date`` and a known offset."""
    local = _parse(fields.wp.get("post_date"))
    if local is None:
        return None, None, False
    if offset is None:
        return local[1], local[0], True
    return local[1] - offset, local[0], False


def modified_of(fields: Fields) -> str | None:
    """The last modification as REST's ``modified_gmt`` writes it (``2024-03-01T09:00:00``), else local time."""
    for key in ("post_modified_gmt", "post_modified"):
        parsed = _parse(fields.wp.get(key))
        if parsed is not None:
            return parsed[0]
    return None
