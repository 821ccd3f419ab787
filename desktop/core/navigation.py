"""The sidebar's tree as plain nodes: smart lists, categories per site, tags, and dates by year and month."""

from __future__ import annotations

import dataclasses
import html
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

from desktop import __version__
from desktop.core.dates import local_month_start
from desktop.core.library import Library, PostFilter, TermInfo
from desktop.core.parsing import LOCAL_PREFIX
from desktop.core.taxonomy import CATEGORY, TAG, TermNode, build_tree

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


@dataclass
class NavNode:
    """One entry of the sidebar; ``key`` is stable across runs (it is what the window remembers)."""

    key: str
    label: str
    count: int | None = None
    filter: PostFilter | None = None  # None for headings that only group other entries
    children: list[NavNode] = field(default_factory=list)

    def find(self, key: str) -> NavNode | None:
        """Return this node or the descendant with ``key``."""
        if self.key == key:
            return self
        for child in self.children:
            found = child.find(key)
            if found is not None:
                return found
        return None


# The cache is keyed by the code that builds the tree too: an upgrade never shows a tree in an older shape.
NAVIGATION_VERSION = f"{__version__}/5"


def cached_navigation(library: Library) -> list[NavNode]:
    """``navigation()``, from the library's cache when nothing has changed since it was last built.

    Counting a large library takes longer than a window may take to start; the cache makes the start as
    quick with 100,000 posts as with none. Month boundaries depend on the time zone, so it is in the key.
    """
    generation = library.generation()
    name = f"navigation/{NAVIGATION_VERSION}/{datetime.now().astimezone().strftime('%z')}"
    cached = library.cached(name, generation)
    if cached is not None:
        nodes = [_decode(node) for node in json.loads(cached)]
        apply_state_counts(nodes, library.state_counts())  # reading state changes without a new generation
    else:
        nodes = navigation(library)
        library.remember(name, generation, json.dumps([_encode(node) for node in nodes]))
    saved = saved_searches(library)  # the user's, changed without a new generation: never cached
    if saved.children:
        nodes.insert(3, saved)
    return nodes


def saved_searches(library: Library) -> NavNode:
    """The "Saved Searches" heading: one entry per saved search, with the posts it finds now."""
    heading = NavNode("saved", "Saved Searches")
    for search in library.saved_searches():
        flt = search.post_filter
        heading.children.append(NavNode(f"saved:{search.id}", search.name, library.count_posts(flt), flt))
    return heading


def apply_state_counts(nodes: list[NavNode], counts: dict[str, int]) -> None:
    """Set the All, Unread and Starred counts (they change as posts are read, the rest does not)."""
    for node in nodes:
        if node.key in counts:
            node.count = counts[node.key]


def _encode(node: NavNode) -> dict[str, Any]:
    return {"key": node.key, "label": node.label, "count": node.count,
            "filter": dataclasses.asdict(node.filter) if node.filter is not None else None,
            "children": [_encode(child) for child in node.children]}


def _decode(data: dict[str, Any]) -> NavNode:
    flt: dict[str, Any] | None = data["filter"]
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in (flt or {}).items()}
    return NavNode(data["key"], data["label"], data["count"], PostFilter(**fields) if flt is not None else None,
                   [_decode(child) for child in data["children"]])


def navigation(library: Library) -> list[NavNode]:
    """The whole sidebar, with post counts, as the library holds it now."""
    counts = library.state_counts()
    nodes = [
        NavNode("all", "All Posts", counts["all"], PostFilter()),
        NavNode("unread", "Unread", counts["unread"], PostFilter(unread=True)),
        NavNode("starred", "Starred", counts["starred"], PostFilter(starred=True)),
    ]
    sites = _sites(library)
    if sites.children:
        nodes.append(sites)
    term_counts = library.term_counts()
    for heading in (_terms(library, CATEGORY, "categories", "Categories", term_counts), _dates(library),
                    _terms(library, TAG, "tags", "Tags", term_counts)):
        if heading.children:
            nodes.append(heading)
    return nodes


def site_label(host: str, name: str | None = None) -> str:
    """How a site is named to the user: its name and host, its host, or for data that named no site its folder.

    ``name`` is what the site calls itself (WordPress's blog name, HTML-escaped as WordPress keeps it):
    ``Stand-in Site (127.0.0.1:8080)``. ``local:/home/me/downloads`` → ``downloads (files)``.
    """
    if host.startswith(LOCAL_PREFIX):
        folder = host[len(LOCAL_PREFIX):]
        return f"{PurePath(folder).name or folder} (files)"
    title = " ".join(html.unescape(name or "").split())
    if title and host and title.casefold() != host.casefold():
        return f"{title} ({host})"
    return host or title or "(unknown site)"


def _sites(library: Library) -> NavNode:
    """One entry per site, when the library holds more than one or a site added by address (it can be updated)."""
    heading = NavNode("sites", "Sites")
    counts = {host: count for host, count in library.site_counts().items() if count}
    if len(counts) > 1 or any(site.host in counts for site in library.added_sites()):
        ids = library.site_ids()
        names = library.site_names()
        labels = {host: site_label(host, names.get(host)) for host in counts}
        for host, count in sorted(counts.items(), key=lambda item: labels[item[0]].casefold()):
            heading.children.append(NavNode(f"site:{host}", labels[host], count, PostFilter(site_id=ids.get(host))))
    return heading


def _terms(library: Library, taxonomy: str, key: str, label: str, counts: dict[int, int]) -> NavNode:
    """Terms of one taxonomy as trees, one subtree per site when the library holds several sites."""
    by_site: dict[str, list[TermInfo]] = {}
    for term in library.terms(taxonomy, counts=counts):
        if term.count:
            by_site.setdefault(term.site, []).append(term)
    heading = NavNode(key, label)
    sites = library.site_ids()
    names = library.site_names() if len(by_site) > 1 else {}
    site_counts = library.site_counts() if len(by_site) > 1 else {}
    for host, site_terms in sorted(by_site.items()):
        rows = [(t.id, t.wp_id, t.parent_wp_id, _term_label(t), t.count) for t in site_terms]
        children = [_term_node(library, root, taxonomy) for root in build_tree(rows)]
        if len(by_site) > 1:
            site_filter = PostFilter(site_id=sites.get(host))
            heading.children.append(NavNode(f"{key}:{host}", site_label(host, names.get(host)),
                                            site_counts.get(host, 0), site_filter, children))
        else:
            heading.children.extend(children)
    if taxonomy == CATEGORY and heading.children:
        uncategorized = library.count_posts(PostFilter(no_category=True))
        if uncategorized:
            heading.children.append(NavNode("uncategorized", "Posts without a category", uncategorized,
                                            PostFilter(no_category=True)))
    return heading


def _term_label(term: TermInfo) -> str:
    """A term's name; a term the data names only by id is called what it is: ``Category 12``."""
    if term.named:
        return term.name
    kind = {CATEGORY: "Category", TAG: "Tag"}.get(term.taxonomy, term.taxonomy.replace("_", " ").title())
    return f"{kind} {term.wp_id}"


def _term_node(library: Library, node: TermNode, taxonomy: str) -> NavNode:
    children = [_term_node(library, child, taxonomy) for child in node.children]
    ids = (node.term_id, *_descendant_ids(node))
    count = library.posts_in_terms(ids) if len(ids) > 1 else node.count
    flt = PostFilter(term_ids=ids) if taxonomy == CATEGORY else PostFilter(tag_ids=ids)
    return NavNode(f"term:{node.term_id}", node.name, count, flt, children)


def _descendant_ids(node: TermNode) -> list[int]:
    ids: list[int] = []
    for child in node.children:
        ids.append(child.term_id)
        ids.extend(_descendant_ids(child))
    return ids


def _dates(library: Library) -> NavNode:
    heading = NavNode("dates", "Dates")
    years: dict[int, NavNode] = {}
    for year, month, count in library.month_counts():
        if year not in years:
            start, end = _local_bounds(year, 1, year + 1, 1)
            years[year] = NavNode(f"year:{year}", str(year), 0, PostFilter(since=start, until=end))
            heading.children.append(years[year])
        node = years[year]
        start, end = _local_bounds(year, month, year + (month == 12), month % 12 + 1)
        node.children.append(NavNode(f"month:{year}-{month:02d}", MONTHS[month - 1], count,
                                     PostFilter(since=start, until=end)))
        node.count = (node.count or 0) + count
    return heading


def _local_bounds(year: int, month: int, end_year: int, end_month: int) -> tuple[int, int]:
    """UTC seconds of the start of a local month and of the next one."""
    return local_month_start(year, month), local_month_start(end_year, end_month)
