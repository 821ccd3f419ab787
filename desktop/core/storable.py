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
from desktop.core.records import Record, Skip
from desktop.core.taxonomy import INT_MAX, INT_MIN

_SURROGATE = re.compile("[\ud800-\udfff]")
_T = TypeVar("_T")
_FIELDS: dict[type, tuple[str, ...]] = {}


class _IdOutOfRangeError(Exception):
    pass


def storable_text(value: str) -> str:
    """``value`` with each lone surrogate (which UTF-8 cannot encode) replaced by U+FFFD."""
    if value.isascii() or not _SURROGATE.search(value):
        return value
    return _SURROGATE.sub("\ufffd", value)


def storable(record: Record) -> Record:
    """``record`` with every value SQLite and the app can hold; a ``Skip`` when its id cannot be stored."""
    try:
        return _clean(record)
    except _IdOutOfRangeError:
        return Skip("an item whose id is too large to store (ids must be below 2**63)",
                    "items whose ids are too large to store (ids must be below 2**63)")


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
    if name == "date_utc":  # room for a UTC offset the library may subtract later (a date taken as local)
        clamped = min(max(value, DATE_MIN + MAX_UTC_OFFSET), DATE_MAX - MAX_UTC_OFFSET)
        return value if clamped == value else clamped
    if name == "utc_offset":
        return value if abs(value) <= MAX_UTC_OFFSET else None
    if INT_MIN <= value <= INT_MAX:
        return value
    if name == "wp_id":
        raise _IdOutOfRangeError
    return None
