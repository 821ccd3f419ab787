"""JSON export: one array of the original objects, exactly as imported, which re-imports into the same library.

Each post imported from REST JSON is written as the text it was imported from, byte for byte, followed (once
each) by the objects imported beside it that name its terms, its author and its featured image: term lists,
user lists, media lists. A post imported from a WordPress export (WXR) has no JSON original; it is written as
a REST-shaped record built from what the library stored (``rest_record``): the same fields a
``/wp/v2/posts?_embed`` object has, its author and terms embedded.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from io import TextIOWrapper
from pathlib import Path
from typing import Any

from desktop.core.export.runner import Entry
from desktop.core.library import Library
from desktop.core.queries import PostRow, StoredContent

_TAXONOMY_FIELDS = {"category": "categories", "post_tag": "tags"}


def rest_record(row: PostRow, content: StoredContent, fields: dict[str, Any]) -> dict[str, Any]:
    """A ``/wp/v2`` post object (with ``_embedded`` author and terms) from a stored post."""
    date_gmt = None
    if row.date_utc is not None and not row.date_is_local:
        date_gmt = datetime.fromtimestamp(row.date_utc, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    record: dict[str, Any] = {
        "id": row.wp_id, "date": row.date_local, "date_gmt": date_gmt, "modified": fields["modified"],
        "slug": fields["slug"], "status": content.status, "type": row.type, "link": row.link,
        "title": {"rendered": html.escape(row.title, quote=False)},
        "content": {"rendered": content.html, "protected": content.protected},
        "excerpt": {"rendered": html.escape(content.excerpt, quote=False)},
        "author": fields["author_id"] or 0, "featured_media": fields["featured_media"] or 0,
        "sticky": content.sticky,
    }
    embedded_terms: dict[str, list[dict[str, Any]]] = {}
    classes = []
    for taxonomy, wp_id, slug, name in fields["terms"]:
        if wp_id is None:  # known by slug only (a WXR <category nicename=…>): WordPress's class names carry it
            if slug:
                classes.append(f"{'tag' if taxonomy == 'post_tag' else taxonomy}-{slug}")
            continue
        if taxonomy in _TAXONOMY_FIELDS:
            record.setdefault(_TAXONOMY_FIELDS[taxonomy], []).append(wp_id)
        term = {"id": wp_id, "slug": slug, "taxonomy": taxonomy}
        if name is not None:
            term["name"] = html.escape(name, quote=False)
        embedded_terms.setdefault(taxonomy, []).append(term)
    if classes:
        record["class_list"] = classes
    embedded: dict[str, Any] = {}
    if row.author and fields["author_id"]:
        embedded["author"] = [{"id": fields["author_id"], "name": row.author, "slug": fields["author_slug"],
                               "link": fields["author_link"]}]
    if embedded_terms:
        embedded["wp:term"] = list(embedded_terms.values())
    if embedded:
        record["_embedded"] = embedded
    return record


class JsonWriter:
    """Writes the JSON array; it reads the library directly (the originals, not the reader's rendering)."""

    folder = False
    remote_images = False

    def __init__(self, library: Library) -> None:
        self._library = library
        self._out: TextIOWrapper | None = None
        self._count = 0
        self._seen: set[bytes] = set()  # digests of the related objects already written

    def open(self, staging: Path, entries: Sequence[Entry]) -> None:
        """Start the array."""
        self._out = staging.open("w", encoding="utf-8", newline="\n")
        self._out.write("[")

    def write_entry(self, entry: Entry) -> bool:
        """Add one post and what was imported beside it; False when the post is gone."""
        assert self._out is not None
        row = self._library.post(entry.id)
        content = self._library.post_content(entry.id)
        if row is None or content is None:
            return False
        if content.raw_format == "json":
            text = self._library.raw_json(entry.id) or "null"
        else:
            fields = self._library.post_fields(entry.id) or {}
            text = json.dumps(rest_record(row, content, fields), ensure_ascii=False)
        self._add(text)
        for _kind, related in self._library.related_raw(entry.id):
            if not related.lstrip().startswith("{"):
                continue  # described by a WordPress export (XML): the post's record embeds what it says
            digest = hashlib.blake2b(related.encode("utf-8", "surrogatepass"), digest_size=16).digest()
            if digest not in self._seen:
                self._seen.add(digest)
                self._add(related)
        return True

    def _add(self, text: str) -> None:
        assert self._out is not None
        self._out.write(",\n" if self._count else "\n")
        self._out.write(text)
        self._count += 1

    def close(self) -> None:
        """End the array."""
        if self._out is not None:
            self._out.write("\n]\n")
            self._out.close()
            self._out = None

    def abort(self) -> None:
        """Close without ending the array."""
        if self._out is not None:
            self._out.close()
            self._out = None
