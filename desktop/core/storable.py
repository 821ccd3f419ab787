r"""Records made storable: text SQLite can encode, integers it can hold, dates the app can show.

Valid JSON can say what SQLite and ``datetime`` cannot hold: lone surrogate escapes (``"\ud800"``), integers
of 64 bits and more, dates in year 0 or 10000, UTC offsets of days. Every record an input format produces
passes through ``storable`` before it is stored: text is cleaned (a lone surrogate becomes U+FFFD), optional
numbers out of range are dropped, dates and offsets are clamped. A record whose own id cannot be stored is
skipped with the reason.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

from desktop.core.dates import DATE_MAX, DATE_MIN, MAX_UTC_OFFSET
from desktop.core.records import Post, Record, Skip
from desktop.core.taxonomy import INT_MAX, INT_MIN

_SURROGATE = re.compile("[\ud800-\udfff]")
_T = TypeVar("_T")
_FIELDS: dict[type, tuple[str, ...]] = {}
# Stored dates leave room for a UTC offset the library may subtract later (a date first taken as local).
_DATE_LOW, _DATE_HIGH = DATE_MIN + MAX_UTC_OFFSET, DATE_MAX - MAX_UTC_OFFSET


class _IdOutOfRangeError(Exception):
    pass


def storable_text(value: str) -> str:
    """``value`` with each lone surrogate (which UTF-8 cannot encode) replaced by U+FFFD."""
    if value.isascii():  # known without looking at the text
        return value
    try:
        value.encode("utf-8")  # a few times quicker than searching for surrogates
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
    return value


def storable(record: Record) -> Record:
    """``record`` with every value SQLite and the app can hold; a ``Skip`` when its id cannot be stored."""
    if isinstance(record, Post) and _plain_post(record):
        return record  # the common case, told in a quarter of the time the general walk takes
    try:
        return _clean(record)
    except _IdOutOfRangeError:
        return Skip("an item whose id is too large to store (ids must be below 2**63)",
                    "items whose ids are too large to store (ids must be below 2**63)")


def _plain_post(post: Post) -> bool:
    """Whether a post holds nothing to clean: every text encodable, every number in range, dates inside."""
    if post.date_utc is not None and not _DATE_LOW <= post.date_utc <= _DATE_HIGH:
        return False
    if post.utc_offset is not None and abs(post.utc_offset) > MAX_UTC_OFFSET:
        return False
    numbers = [post.wp_id, post.author_id, post.featured_media, post.comment_count]
    texts = [post.site, post.type, post.title, post.date_local, post.modified, post.slug, post.status, post.link,
             post.excerpt, post.content_text, post.raw, post.content]
    for term in post.terms:
        numbers += (term.wp_id, term.parent)
        texts += (term.taxonomy, term.slug, term.name)
    for author in post.authors:
        numbers.append(author.wp_id)
        texts += (author.site, author.name, author.slug, author.link, author.raw)
    for media in post.media:
        numbers += (media.wp_id, media.width, media.height)
        texts += (media.site, media.url, media.alt, media.caption, media.mime, media.raw)
    return (all(n is None or INT_MIN <= n <= INT_MAX for n in numbers)
            and all(t is None or t.isascii() or _encodes(t) for t in texts))


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clean(obj: _T) -> _T:
    changes: dict[str, Any] = {}
    names = _FIELDS.get(type(obj))
    if names is None:
        names = _FIELDS[type(obj)] = tuple(f.name for f in dataclasses.fields(obj))  # type: ignore[arg-type]
    for name in names:
        value = getattr(obj, name)
        if value is None or value is True or value is False:
            continue
        cleaned = _value(name, value)
        if cleaned is not value:
            changes[name] = cleaned
    return dataclasses.replace(obj, **changes) if changes else obj  # type: ignore[type-var]


def _value(name: str, value: Any) -> Any:
    if isinstance(value, str):
        cleaned = storable_text(value)
        return value if cleaned == value else cleaned
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, tuple):
            items = tuple(_value(name, item) for item in value)
            return value if all(a is b for a, b in zip(items, value, strict=True)) else items
        return _clean(value) if dataclasses.is_dataclass(value) else value
    if name == "date_utc":
        clamped = min(max(value, _DATE_LOW), _DATE_HIGH)
        return value if clamped == value else clamped
    if name == "utc_offset":
        return value if abs(value) <= MAX_UTC_OFFSET else None
    if INT_MIN <= value <= INT_MAX:
        return value
    if name == "wp_id":
        raise _IdOutOfRangeError
    return None
