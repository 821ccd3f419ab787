"""Category and tag names: from embedded terms, term lists and ``class_list``, and the trees they form.

A post names its terms in up to three ways: full term objects under ``_embedded["wp:term"]``, bare ids in
``categories``/``tags`` (or another taxonomy's REST field), and CSS classes such as ``category-politics`` in
``class_list``. This module turns them into ``TermRef`` values, pairing ids with class slugs where that is
certain, and guesses a readable name from a slug until better data names the term.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from desktop.core.records import TermRef

# How much a term's name can be trusted; a better source replaces a worse one everywhere.
NAME_UNKNOWN = 0  # only an id is known
NAME_GUESSED = 1  # made from a slug (class_list, or a term object without a name)
NAME_EMBEDDED = 2  # a term object embedded in a post
NAME_LISTED = 3  # a term list (/wp/v2/categories, /wp/v2/tags) or a single term

CATEGORY = "category"
TAG = "post_tag"
DEFAULT_REST_BASES = {"categories": CATEGORY, "tags": TAG}
_CLASS_PREFIXES = (("category-", CATEGORY), ("tag-", TAG))
_TAGS = re.compile(r"<[^>]*>")


@dataclass
class TermNode:
    """A term in a tree: its row id, name, post count and children."""

    term_id: int
    name: str
    count: int
    children: list[TermNode] = field(default_factory=list)


def plain_name(value: Any) -> str | None:
    """A term or user name as plain text: tags stripped, entities decoded, spaces collapsed."""
    if not isinstance(value, str):
        return None
    text = " ".join(html.unescape(_TAGS.sub("", value)).split())
    return text or None


@functools.lru_cache(maxsize=4096)
def guess_name(slug: str) -> str:
    """A readable name from a slug: ``politics`` → ``Politics``, ``foreign-affairs`` → ``Foreign Affairs``.

    Percent-encoded slugs are decoded. A class-list slug that lost characters (WordPress strips
    percent-encoded bytes from class names, leaving ``-blog``) is marked with a leading ellipsis.
    """
    text = unquote(slug)
    lossy = text.startswith("-") or text.endswith("-") or "--" in text
    words = [word for word in re.split(r"[-_\s]+", text) if word]
    name = " ".join(word[:1].upper() + word[1:] for word in words)
    if not name:
        return slug
    return f"… {name}" if lossy else name


def term_from_object(obj: Mapping[str, Any], quality: int, taxonomy: str | None = None) -> TermRef | None:
    """A ``TermRef`` from a term object (embedded, listed, or a v1 ``terms`` entry); None if it is not one."""
    wp_id = as_int(obj.get("id", obj.get("ID")))
    tax = obj.get("taxonomy") or taxonomy
    if wp_id is None or not isinstance(tax, str) or "code" in obj:
        return None
    slug = obj.get("slug") if isinstance(obj.get("slug"), str) and obj.get("slug") else None
    name = plain_name(obj.get("name"))
    if name is None:
        quality, name = (NAME_GUESSED, guess_name(slug)) if slug else (NAME_UNKNOWN, None)
    parent = obj.get("parent")
    parent_id = parent.get("ID") if isinstance(parent, Mapping) else parent
    return TermRef(_v1_taxonomy(tax), wp_id, slug, name, quality, as_int(parent_id) or None)


def post_term_refs(post: Mapping[str, Any]) -> list[TermRef]:
    """Every term a post object names, best information first, one ref per term."""
    refs: list[TermRef] = []
    seen_ids: set[tuple[str, int]] = set()
    seen_slugs: set[tuple[str, str]] = set()

    def add(ref: TermRef) -> None:
        if ref.wp_id is not None:
            if (ref.taxonomy, ref.wp_id) in seen_ids:
                return
            seen_ids.add((ref.taxonomy, ref.wp_id))
        if ref.slug is not None:
            if (ref.taxonomy, ref.slug) in seen_slugs and ref.wp_id is None:
                return
            seen_slugs.add((ref.taxonomy, ref.slug))
        refs.append(ref)

    for obj in _embedded_terms(post):
        ref = term_from_object(obj, NAME_EMBEDDED)
        if ref is not None:
            add(ref)

    classes = _class_terms(post.get("class_list"))
    for taxonomy, ids in _id_lists(post).items():
        unnamed = [wp_id for wp_id in ids if (taxonomy, wp_id) not in seen_ids]
        hints = [hint for hint in classes.pop(taxonomy, []) if not _hint_seen(hint, taxonomy, seen_ids, seen_slugs)]
        for ref in _pair(taxonomy, unnamed, hints):
            add(ref)
    for taxonomy, hints in classes.items():  # classes of a taxonomy whose id field the object lacks
        for ref in _pair(taxonomy, [], hints):
            add(ref)
    return refs


def _hint_seen(hint: int | str, taxonomy: str, ids: set[tuple[str, int]], slugs: set[tuple[str, str]]) -> bool:
    return (taxonomy, hint) in ids if isinstance(hint, int) else (taxonomy, hint) in slugs


def _pair(taxonomy: str, ids: list[int], hints: list[int | str]) -> list[TermRef]:
    """Refs for a taxonomy's bare ids and class hints (a slug, or an id from a numeric class suffix).

    WordPress writes ``categories`` and the ``category-`` classes from the same ordered term list, so when
    both are complete (as many hints as ids, numeric hints in place) position n of one is position n of the
    other. Otherwise nothing is paired: the ids stay unnamed and the slugs stay without an id.
    """
    paired = len(ids) == len(hints) and all(not isinstance(h, int) or h == i for i, h in zip(ids, hints, strict=True))
    refs: list[TermRef] = []
    if paired:
        for wp_id, hint in zip(ids, hints, strict=True):
            slug = hint if isinstance(hint, str) else None
            name, quality = (guess_name(slug), NAME_GUESSED) if slug else (None, NAME_UNKNOWN)
            refs.append(TermRef(taxonomy, wp_id, slug, name, quality))
        return refs
    refs.extend(TermRef(taxonomy, wp_id, None, None, NAME_UNKNOWN) for wp_id in ids)
    for hint in hints:
        if isinstance(hint, int):
            if hint not in ids:
                refs.append(TermRef(taxonomy, hint, None, None, NAME_UNKNOWN))
        else:
            refs.append(TermRef(taxonomy, None, hint, guess_name(hint), NAME_GUESSED))
    return refs


def _embedded_terms(post: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    embedded = post.get("_embedded")
    if isinstance(embedded, Mapping):
        groups = embedded.get("wp:term")
        if isinstance(groups, list):
            for group in groups:
                if isinstance(group, list):
                    yield from (obj for obj in group if isinstance(obj, Mapping))
                elif isinstance(group, Mapping):
                    yield group
    v1_terms = post.get("terms")  # WP-API v1: {"category": [term, ...], "post_tag": [...]}
    if isinstance(v1_terms, Mapping):
        for taxonomy, group in v1_terms.items():
            for obj in group if isinstance(group, list) else []:
                if isinstance(obj, Mapping):
                    yield {**obj, "taxonomy": obj.get("taxonomy") or taxonomy}


def _v1_taxonomy(taxonomy: str) -> str:
    return TAG if taxonomy == "tag" else taxonomy


def _id_lists(post: Mapping[str, Any]) -> dict[str, list[int]]:
    """Taxonomy → the term ids the post lists in that taxonomy's REST field."""
    bases = dict(DEFAULT_REST_BASES)
    links = post.get("_links")
    entries = links.get("wp:term") if isinstance(links, Mapping) else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping) and isinstance(entry.get("taxonomy"), str):
            base = _rest_base(entry.get("href"))
            if base:
                bases[base] = entry["taxonomy"]
    result: dict[str, list[int]] = {}
    for base, taxonomy in bases.items():
        values = post.get(base)
        if isinstance(values, list):
            ids = [i for i in (as_int(v) for v in values) if i is not None]
            if ids:
                result[taxonomy] = ids
    return result


def _rest_base(href: Any) -> str | None:
    """The collection name in a term link: ``…/wp/v2/categories?post=1`` or ``?rest_route=/wp/v2/tags&…``."""
    if not isinstance(href, str):
        return None
    if "rest_route=" in href:
        route = parse_qs(urlsplit(href).query).get("rest_route", [""])[0]
    else:
        route = href.split("?", 1)[0]
    return route.rstrip("/").rsplit("/", 1)[-1] or None


def _class_terms(class_list: Any) -> dict[str, list[int | str]]:
    """Taxonomy → ordered hints from ``category-…`` and ``tag-…`` classes (an int where the suffix is an id)."""
    result: dict[str, list[int | str]] = {}
    for cls in class_list if isinstance(class_list, list) else []:
        if not isinstance(cls, str):
            continue
        for prefix, taxonomy in _CLASS_PREFIXES:
            if cls.startswith(prefix) and len(cls) > len(prefix):
                rest = cls[len(prefix) :]
                hint = as_int(rest) if rest.isascii() and rest.isdigit() else None
                result.setdefault(taxonomy, []).append(rest if hint is None else hint)
    return result


INT_MIN, INT_MAX = -(1 << 63), (1 << 63) - 1  # what SQLite stores as an integer


def as_int(value: Any) -> int | None:
    """An integer id from an int or an ASCII digit string that SQLite can store; None for anything else.

    Bools, digits of other scripts (``"١٢"``), strings of more than 19 digits and numbers outside SQLite's
    64-bit range are refused rather than turned into an id that was never meant.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    if isinstance(value, int) and INT_MIN <= value <= INT_MAX:
        return value
    return None


def build_tree(rows: Iterable[tuple[int, int | None, int | None, str, int]]) -> list[TermNode]:
    """Nest ``(term_id, wp_id, parent_wp_id, name, count)`` rows of one site and taxonomy by parent.

    A term whose parent is unknown (not among the rows) is a root. Children are sorted by name.
    """
    nodes: dict[int, TermNode] = {}
    by_wp_id: dict[int, TermNode] = {}
    parents: dict[int, int | None] = {}
    for term_id, wp_id, parent, name, count in rows:
        node = TermNode(term_id, name, count)
        nodes[term_id] = node
        parents[term_id] = parent
        if wp_id is not None:
            by_wp_id[wp_id] = node
    roots: list[TermNode] = []
    for term_id, node in nodes.items():
        parent_wp_id = parents[term_id]
        parent_node = by_wp_id.get(parent_wp_id) if parent_wp_id else None
        if parent_node is None or parent_node is node or _is_ancestor(node, parent_node):
            roots.append(node)
        else:
            parent_node.children.append(node)
    _sort(roots)
    return roots


def _is_ancestor(node: TermNode, other: TermNode) -> bool:
    return any(child is other or _is_ancestor(child, other) for child in node.children)


def _sort(nodes: list[TermNode]) -> None:
    nodes.sort(key=lambda n: n.name.casefold())
    for node in nodes:
        _sort(node.children)
