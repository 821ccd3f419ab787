"""WordPress REST API JSON → plain records. Pure functions: no files, no database.

``classify`` looks at one JSON value (a post, a term, a user, a media item, or something else) by its
content, never by the file it came from, and returns the record the library stores or a ``Skip`` that
says precisely why the value is not imported. It knows the shapes of ``/wp/v2`` in view and embed context,
with and without ``_embed``, the 2015–2016 v2 beta shapes and WP-API v1.
"""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from desktop.core.fts_text import for_index
from desktop.core.records import Author, ListedTerm, Media, Post, Record, Skip
from desktop.core.taxonomy import (
    NAME_EMBEDDED,
    NAME_LISTED,
    as_int,
    plain_name,
    post_term_refs,
    term_from_object,
)

_INVISIBLE = re.compile(r"<(?:script|style|noscript|template)\b", re.I)
_DROPPED = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")  # also removes comments, which hold no '>' in practice (block comments)




def search_text(markup: str) -> str:
    """The words of an HTML fragment, entities decoded, for the search index (whitespace left as it is)."""
    if "<" in markup:
        if _INVISIBLE.search(markup):
            markup = _DROPPED.sub(" ", markup)
        markup = _TAG.sub(" ", markup)
    return html.unescape(markup) if "&" in markup else markup


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, entities decoded, whitespace collapsed (titles, excerpts)."""
    return " ".join(search_text(markup).split())


def site_of(obj: Mapping[str, Any]) -> str:
    """The host a WordPress object comes from: its ``link``, ``_links.self`` or ``guid``; "" if none."""
    candidates: list[Any] = [obj.get("link")]
    links = obj.get("_links")
    if isinstance(links, Mapping):
        own = links.get("self")
        if isinstance(own, list) and own and isinstance(own[0], Mapping):
            candidates.append(own[0].get("href"))
    meta = obj.get("meta")
    if isinstance(meta, Mapping) and isinstance(meta.get("links"), Mapping):  # WP-API v1
        candidates.append(meta["links"].get("self"))
    guid = obj.get("guid")
    candidates.append(guid.get("rendered") if isinstance(guid, Mapping) else guid)
    for url in candidates:
        if isinstance(url, str) and "//" in url:
            host = urlsplit(url.strip()).netloc.rpartition("@")[2].lower()
            if host:
                return host
    return ""


def classify(value: Any, text: str) -> Record:
    """What one top-level JSON value is, as the record to store or a ``Skip`` with the reason."""
    if not isinstance(value, Mapping):
        return Skip(f"a JSON {_json_kind(value)}, not an object", f"JSON {_json_kind(value)}s, not objects")
    wp_id = as_int(value.get("id", value.get("ID")))
    return _not_content(value, wp_id) or _content(value, wp_id, text)


def _not_content(value: Mapping[str, Any], wp_id: int | None) -> Skip | None:
    """The reason for objects that are recognisably something other than content; None otherwise."""
    if "code" in value and "message" in value and wp_id is None:
        return Skip(f"a WordPress error response ({value.get('code')}: {plain_name(value.get('message'))})")
    if value.get("type") == "comment" or ("post" in value and "author_name" in value):
        return Skip("a comment", "comments")
    if "provider_name" in value and "version" in value:
        return Skip("an oEmbed response", "oEmbed responses")
    if "timezone" in value and "url" in value and wp_id is None:
        return Skip("the site's settings")
    return None


def _content(value: Mapping[str, Any], wp_id: int | None, text: str) -> Record:
    kind = value.get("type")
    if kind == "attachment" or ("media_type" in value and "source_url" in value):
        media = _media(value, text)
        return media if media else Skip("a media item without an id", "media items without an id")
    if "taxonomy" in value and wp_id is not None:
        ref = term_from_object(value, NAME_LISTED)
        if ref is not None:
            return ListedTerm(site_of(value), ref, text)
    if wp_id is not None and ("title" in value or "content" in value):
        if "type" not in value and "parent" in value and "link" not in value:
            return Skip("a revision or autosave", "revisions or autosaves")
        return _post(value, wp_id, text)
    if wp_id is not None and "name" in value and _is_user(value):
        name = plain_name(value.get("name"))
        if name:
            return Author(site_of(value), wp_id, name, _str(value.get("slug")), _str(value.get("link")),
                          NAME_LISTED, text)
    if "content" in value and value.get("id", value.get("ID")) is not None:
        return Skip("an article whose id is not a whole number below 2**63",
                    "articles whose ids are not whole numbers below 2**63")
    if "content" in value:
        return Skip("an article without an id", "articles without an id")
    if wp_id is not None and isinstance(kind, str):
        return Skip(f"a {kind} without title or content", f"{kind} items without title or content")
    return Skip("not WordPress content (an object without id, title and content)")


def _is_user(value: Mapping[str, Any]) -> bool:
    """A user object: avatars, or a slug without what only terms have (a term list is never a user list)."""
    if "avatar_urls" in value:
        return True
    return "slug" in value and not {"count", "taxonomy", "parent"} & value.keys()


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool) or value is None:
        return "literal"
    return "number"


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _rendered(value: Any) -> str:
    """The HTML of a ``{"rendered": …}`` field (v2), or the string itself (v1)."""
    if isinstance(value, Mapping):
        value = value.get("rendered", value.get("raw"))
    return value if isinstance(value, str) else ""


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value or value.startswith("0000"):
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _epoch(moment: datetime) -> int:
    # Subtract the offset as a number: astimezone() fails for 0001-01-01T00:00:00+14:00 (year 0 in UTC).
    offset = moment.utcoffset()
    seconds = calendar.timegm(moment.replace(tzinfo=None).timetuple())
    return seconds - int(offset.total_seconds()) if offset is not None else seconds


def _dates(obj: Mapping[str, Any]) -> tuple[int | None, str | None, bool, int | None]:
    """(UTC epoch seconds, local date text, whether UTC is really local time, the site's UTC offset)."""
    local_text = _str(obj.get("date"))
    local = _parse_time(local_text)
    gmt = _parse_time(obj.get("date_gmt"))
    if gmt is not None:
        utc = _epoch(gmt if gmt.tzinfo else gmt.replace(tzinfo=UTC))
        offset = None
        if local is not None and local.tzinfo is None:
            offset = _epoch(local.replace(tzinfo=UTC)) - utc
        return utc, local_text, False, offset
    if local is None:
        return None, None, False, None
    if local.tzinfo is not None:  # v1 dates carry their offset
        return _epoch(local), local_text, False, int(local.utcoffset().total_seconds())  # type: ignore[union-attr]
    return _epoch(local.replace(tzinfo=UTC)), local_text, True, None


def _post(obj: Mapping[str, Any], wp_id: int, text: str) -> Post:
    site = site_of(obj)
    content = obj.get("content")
    content_html = _rendered(content)
    date_utc, date_local, is_local, offset = _dates(obj)
    author = obj.get("author")
    authors: list[Author] = []
    if isinstance(author, Mapping):  # WP-API v1 embeds the author object
        author_id = as_int(author.get("ID", author.get("id")))
        name = plain_name(author.get("name"))
        if author_id is not None and name:
            authors.append(Author(site, author_id, name, _str(author.get("slug") or author.get("username")),
                                  _str(author.get("URL") or author.get("link")), NAME_EMBEDDED))
    else:
        author_id = as_int(author)
    embedded: Mapping[str, Any] = obj["_embedded"] if isinstance(obj.get("_embedded"), Mapping) else {}
    for entry in _embedded_list(embedded, "author"):
        entry_id = as_int(entry.get("id"))
        name = plain_name(entry.get("name"))
        if entry_id is not None and name:
            authors.append(Author(site, entry_id, name, _str(entry.get("slug")), _str(entry.get("link")),
                                  NAME_EMBEDDED))
    media = [m for m in (_media(entry, None, site) for entry in _embedded_list(embedded, "wp:featuredmedia")) if m]
    featured = as_int(obj.get("featured_media")) or None
    v1_image = obj.get("featured_image")
    if isinstance(v1_image, Mapping):
        image = _media(v1_image, None, site)
        if image:
            media.append(image)
            featured = featured or image.wp_id
    modified = _str(obj.get("modified_gmt")) or _str(obj.get("modified"))
    post_type = _str(obj.get("type")) or "post"
    return Post(
        site=site,
        type=post_type,
        wp_id=wp_id,
        title=html_to_text(_rendered(obj.get("title"))),
        date_utc=date_utc,
        date_local=date_local,
        date_is_local=is_local,
        utc_offset=offset,
        modified=modified,
        slug=_str(obj.get("slug")),
        status=_str(obj.get("status")),
        link=_str(obj.get("link")),
        author_id=author_id,
        excerpt=html_to_text(_rendered(obj.get("excerpt"))),
        content_text=for_index(search_text(content_html)),
        protected=isinstance(content, Mapping) and content.get("protected") is True,
        featured_media=featured,
        richness=(2 if content_html else 0) + (1 if embedded else 0),
        terms=tuple(post_term_refs(obj)),
        authors=tuple(authors),
        media=tuple(media),
        raw=text,
        content=content_html,
        sticky=obj.get("sticky") is True,
    )


def _embedded_list(embedded: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The objects embedded under ``key``, leaving out error objects (``{code, message, data}``)."""
    entries = embedded.get(key)
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, Mapping) and "code" not in e]


def _media(obj: Mapping[str, Any], text: str | None, site: str | None = None) -> Media | None:
    wp_id = as_int(obj.get("id", obj.get("ID")))
    if wp_id is None:
        return None
    details: Mapping[str, Any] = obj["media_details"] if isinstance(obj.get("media_details"), Mapping) else {}
    url = _str(obj.get("source_url")) or _str(obj.get("guid") if isinstance(obj.get("guid"), str) else None)
    return Media(
        site=site or site_of(obj),
        wp_id=wp_id,
        url=url,
        alt=plain_name(obj.get("alt_text")) or "",
        caption=_rendered(obj.get("caption")).strip(),
        mime=_str(obj.get("mime_type")),
        width=as_int(details.get("width")),
        height=as_int(details.get("height")),
        raw=text,
    )
