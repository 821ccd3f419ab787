"""The title an export gets when the user gives none: named after what was exported.

A category's export is titled with the category's name, a search's with ``Search: words``, a saved search's
with its name, a site's with the site's name; filters that combine are joined (``Harbours — Search: tides``).
Only with nothing to name it after is it ``Articles``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop.core.dates import local_month, local_month_start, next_month
from desktop.core.library import Library, PostFilter, TermInfo
from desktop.core.navigation import MONTHS, site_label

DEFAULT_TITLE = "Articles"
_KINDS = {"category": "Category", "post_tag": "Tag"}


@dataclass(frozen=True)
class ExportSource:
    """Something File ▸ Export… offers to export: the posts of ``ids``, or those of ``flt``, and its title."""

    label: str
    ids: tuple[int, ...]
    flt: PostFilter | None
    title: str


def export_sources(library: Library | None, selected_ids: Sequence[int], current: PostFilter) -> list[ExportSource]:
    """The selected posts (if any), the current list and each saved search; without a library, the first two."""
    sources: list[ExportSource] = []
    if selected_ids:
        count = len(selected_ids)
        title = export_title(library, ids=selected_ids) if library is not None else DEFAULT_TITLE
        sources.append(ExportSource(f"The selected post{'s' if count > 1 else ''} ({count})", tuple(selected_ids),
                                    None, title))
    sources.append(ExportSource("The current list", (), current,
                                export_title(library, current) if library is not None else DEFAULT_TITLE))
    if library is None:
        return sources
    for search in library.saved_searches():
        sources.append(ExportSource(f"Saved search: {search.name}", (), search.post_filter,
                                    export_title(library, search.post_filter, saved_search=search.name)))
    return sources


def export_title(library: Library, flt: PostFilter | None = None, ids: Sequence[int] = (),
                 saved_search: str | None = None) -> str:
    """The default title for exporting ``ids`` (one post: its title), a saved search, or the posts of ``flt``."""
    if ids:
        row = library.post(ids[0]) if len(ids) == 1 else None
        return row.title if row is not None and row.title else DEFAULT_TITLE
    if saved_search:
        return saved_search
    return " — ".join(filter_parts(library, flt or PostFilter())) or DEFAULT_TITLE


def filter_parts(library: Library, flt: PostFilter) -> list[str]:
    """What each part of ``flt`` selects, in words: the site, the category or tag, the dates, the search."""
    parts: list[str] = []
    if flt.site_id is not None:
        host = next((h for h, site_id in library.site_ids().items() if site_id == flt.site_id), None)
        if host is not None:
            parts.append(site_label(host, library.site_names().get(host)))
    for ids in (flt.term_ids, flt.tag_ids):
        if ids:
            parts.append(_term_name(library, ids[0]))  # a branch's filter lists the branch's own term first
    if flt.no_category:
        parts.append("Posts without a category")
    dates = _dates(flt.since, flt.until)
    if dates:
        parts.append(dates)
    parts.extend(label for wanted, label in ((flt.unread, "Unread"), (flt.starred, "Starred")) if wanted)
    if flt.types:
        parts.append(", ".join(kind.replace("_", " ").title() + "s" for kind in flt.types))
    if flt.search and flt.search.strip():
        parts.append(f"Search: {' '.join(flt.search.split())}")
    return parts


def _term_name(library: Library, term_id: int) -> str:
    term: TermInfo | None = next((t for t in library.terms() if t.id == term_id), None)
    if term is None:
        return DEFAULT_TITLE
    if term.named:
        return term.name
    return f"{_KINDS.get(term.taxonomy, term.taxonomy.replace('_', ' ').title())} {term.wp_id}"


def _dates(since: int | None, until: int | None) -> str:
    """``March 2024``, ``2024``, or ``2024-03-05 to 2024-04-01`` (``until`` is exclusive), or "" for no dates."""
    if since is None and until is None:
        return ""
    if since is not None and until is not None:
        year, month = local_month(since)
        if since == local_month_start(year, month):
            if until == local_month_start(*next_month(year, month)):
                return f"{MONTHS[month - 1]} {year}"
            if month == 1 and until == local_month_start(year + 1, 1):
                return str(year)
    first = _day(since) if since is not None else ""
    last = _day(until - 1) if until is not None else ""
    if first and last:
        return f"{first} to {last}"
    return f"from {first}" if first else f"until {last}"


def _day(seconds: int) -> str:
    try:
        return datetime.fromtimestamp(seconds).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return (datetime(1970, 1, 1) + timedelta(seconds=seconds)).date().isoformat()
