"""Writing records into the library: identity, newer-wins, names that improve, and reading state."""

from __future__ import annotations

import json
import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from desktop.core import taxonomy
from desktop.core.fts_text import for_index
from desktop.core.records import Author, Media, Post
from desktop.core.schema import BUSY_TIMEOUT_MS, _term_text

_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)

@dataclass
class WriteStats:
    """What the writes of one file changed, for its summary line."""

    renamed_terms: set[int] = field(default_factory=set)
    renamed_authors: set[tuple[int, int]] = field(default_factory=set)
    sites_with_offsets: set[int] = field(default_factory=set)


class Store:
    """The write side of ``Library``; each write runs inside ``transaction()``."""

    _conn: sqlite3.Connection
    _site_ids: dict[str, int]
    _term_cache: dict[tuple[int, str, str, Any], tuple[int, int, str | None, str | None]]
    _author_cache: dict[tuple[int, int], tuple[str, int]]
    _offsets: dict[int, int | None]

    # -- transactions ----------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[WriteStats]:
        """Everything written inside is committed together, or not at all.

        A deferred BEGIN whose first statement writes the content file takes that file's lock only: the
        attached state file stays free for the user's own writes however long this transaction runs.
        """
        self.purge_deleted()
        self._conn.execute("BEGIN")
        stats = WriteStats()
        try:
            self._bump_generation()
            yield stats
            self._finish(stats)
            self._conn.execute("COMMIT")  # inside: a commit can fail too (disk full, busy)
        except BaseException:
            if self._conn.in_transaction:  # SQLite has rolled back by itself after some errors (SQLITE_FULL)
                self._conn.execute("ROLLBACK")
            self._term_cache.clear()
            self._author_cache.clear()
            self._site_ids.clear()
            self._offsets.clear()
            raise

    def _finish(self, stats: WriteStats) -> None:
        """Bring what depends on renamed terms and authors, and on learned offsets, up to date."""
        execute = self._conn.execute
        if stats.renamed_terms:
            marks = ",".join("?" * len(stats.renamed_terms))
            post_ids = [r[0] for r in execute(
                f"SELECT DISTINCT post_id FROM post_terms WHERE term_id IN ({marks})", tuple(stats.renamed_terms))]
            for post_id in post_ids:
                execute("UPDATE posts_fts SET terms = ? WHERE rowid = ?",
                        (for_index(_term_text(self._conn, post_id)), post_id))
        for site_id, author_id in stats.renamed_authors:
            name = self._author_cache.get((site_id, author_id), ("", 0))[0]
            execute(
                "UPDATE posts_fts SET author = ? WHERE rowid IN "
                "(SELECT id FROM posts WHERE site_id = ? AND author_id = ?)", (for_index(name), site_id, author_id))
        for site_id in stats.sites_with_offsets:
            execute(
                "UPDATE posts SET date_utc = date_utc - (SELECT utc_offset FROM sites WHERE id = ?), "
                "date_is_local = 0 WHERE site_id = ? AND date_is_local", (site_id, site_id))

    # -- writes (inside transaction()) -----------------------------------------------------------------
    def site_id(self, host: str) -> int:
        """The row id of a site, created on first use."""
        cached = self._site_ids.get(host)
        if cached is not None:
            return cached
        row = self._conn.execute("SELECT id FROM sites WHERE host = ?", (host,)).fetchone()
        site_id = row[0] if row else self._conn.execute("INSERT INTO sites (host) VALUES (?)", (host,)).lastrowid
        assert site_id is not None
        self._site_ids[host] = site_id
        return site_id

    def store_post(self, post: Post, source: str, stats: WriteStats) -> str:
        """Insert or update a post; returns "new", "updated", "unchanged" or "older"."""
        execute = self._conn.execute
        site_id = self.site_id(post.site)
        row = execute(
            "SELECT id, modified, richness FROM posts WHERE site_id = ? AND type = ? AND wp_id = ?",
            (site_id, post.type, post.wp_id),
        ).fetchone()
        if row is not None:
            outcome = self._compare(row, post)
            if outcome != "updated":
                return outcome  # an older or equal copy changes nothing: not its authors, not its media
        for author in post.authors:
            self.store_author(author, stats)
        for media in post.media:
            self.store_media(media)
        date_utc = post.date_utc
        date_is_local = post.date_is_local
        if site_id not in self._offsets:
            self._offsets[site_id] = execute("SELECT utc_offset FROM sites WHERE id = ?", (site_id,)).fetchone()[0]
        if post.utc_offset is not None and post.utc_offset != self._offsets[site_id]:
            execute("UPDATE sites SET utc_offset = ? WHERE id = ?", (post.utc_offset, site_id))
            self._offsets[site_id] = post.utc_offset
            stats.sites_with_offsets.add(site_id)
        elif date_is_local and date_utc is not None:
            known = self._offsets[site_id]
            if known is not None:
                date_utc, date_is_local = date_utc - known, False
        values = (post.title, date_utc, post.date_local, date_is_local, normal_modified(post.modified), post.slug,
                  post.status, post.link, post.author_id, post.excerpt, post.protected, post.featured_media,
                  post.richness, source, int(time.time()), post.raw_format, post.sticky, post.comment_count)
        if row is None:
            post_id = execute(
                "INSERT INTO posts (title, date_utc, date_local, date_is_local, modified, slug, status, link, "
                "author_id, excerpt, protected, featured_media, richness, source, imported_at, raw_format, sticky, "
                "comment_count, site_id, type, wp_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?)",
                (*values, site_id, post.type, post.wp_id),
            ).lastrowid
            assert post_id is not None
            execute("INSERT INTO post_raw (post_id, raw) VALUES (?, ?)", (post_id, post.raw))
            execute("INSERT INTO post_content (post_id, html) VALUES (?, ?)", (post_id, post.content))
        else:
            post_id = row[0]
            execute(
                "UPDATE posts SET title = ?, date_utc = ?, date_local = ?, date_is_local = ?, modified = ?, "
                "slug = ?, status = ?, link = ?, author_id = ?, excerpt = ?, protected = ?, featured_media = ?, "
                "richness = ?, source = ?, imported_at = ?, raw_format = ?, sticky = ?, comment_count = ?, "
                "removed_at = NULL WHERE id = ?",
                (*values, post_id),
            )
            execute("UPDATE post_raw SET raw = ? WHERE post_id = ?", (post.raw, post_id))
            execute("INSERT OR REPLACE INTO post_content (post_id, html) VALUES (?, ?)", (post_id, post.content))
            execute("DELETE FROM post_terms WHERE post_id = ?", (post_id,))
            execute("DELETE FROM posts_fts WHERE rowid = ?", (post_id,))
        names: list[str] = []
        links: set[tuple[int, int]] = set()
        for ref in post.terms:
            term_id, name = self.store_term(site_id, ref, None, stats)
            links.add((post_id, term_id))
            if name:
                names.append(name)
        self._conn.executemany("INSERT INTO post_terms (post_id, term_id) VALUES (?, ?)", links)
        author_name = self._author_name(site_id, post.author_id)
        execute(
            "INSERT INTO posts_fts (rowid, title, body, excerpt, author, terms) VALUES (?, ?, ?, ?, ?, ?)",
            (post_id, for_index(post.title), post.content_text, for_index(post.excerpt),
             for_index(author_name), for_index(" ".join(names))),
        )
        return "new" if row is None else "updated"

    def _compare(self, row: Sequence[Any], post: Post) -> str:
        """Whether a post already stored as ``row`` (id, modified, richness) should be replaced."""
        _, stored_modified, stored_richness = row
        modified = normal_modified(post.modified)
        if modified and stored_modified and modified != stored_modified:
            return "updated" if modified > stored_modified else "older"
        if post.modified is None and stored_modified:
            return "older"
        stored_raw = self._conn.execute("SELECT raw FROM post_raw WHERE post_id = ?", (row[0],)).fetchone()[0]
        if stored_raw == post.raw:
            return "unchanged"
        # The same version seen again, or two copies that say nothing of their version: keep the more complete
        # copy (with content, with _embedded; then the longer one), whatever the order they come in, so that
        # importing the same files again changes nothing.
        if post.richness != stored_richness:
            return "updated" if post.richness > stored_richness else "unchanged"
        return "updated" if len(post.raw) > len(stored_raw) else "unchanged"

    def store_term(self, site_id: int, ref: taxonomy.TermRef, raw: str | None, stats: WriteStats) -> tuple[int, str]:
        """Merge what ``ref`` says into the library's terms; returns the term's row id and best name."""
        key = (site_id, ref.taxonomy, "id" if ref.wp_id is not None else "slug", ref.wp_id or ref.slug)
        cached = self._term_cache.get(key)
        if cached is not None and raw is None and ref.quality <= cached[1] and ref.slug in (None, cached[2]):
            return cached[0], cached[3] or ""
        execute = self._conn.execute
        columns = "id, wp_id, slug, name, quality, parent_wp_id"
        by_id = by_slug = None
        if ref.wp_id is not None:
            by_id = execute(f"SELECT {columns} FROM terms WHERE site_id = ? AND taxonomy = ? AND wp_id = ?",
                            (site_id, ref.taxonomy, ref.wp_id)).fetchone()
        if ref.slug is not None:
            by_slug = execute(
                f"SELECT {columns} FROM terms WHERE site_id = ? AND taxonomy = ? AND slug = ? "
                "AND wp_id IS NULL", (site_id, ref.taxonomy, ref.slug)).fetchone()
        if by_id is None and by_slug is None:
            term_id = execute(
                "INSERT INTO terms (site_id, taxonomy, wp_id, slug, name, quality, parent_wp_id, raw) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (site_id, ref.taxonomy, ref.wp_id, ref.slug, ref.name, ref.quality, ref.parent, raw),
            ).lastrowid
            assert term_id is not None
            self._term_cache[key] = (term_id, ref.quality, ref.slug, ref.name)
            return term_id, ref.name or ""
        target = by_id or by_slug
        assert target is not None
        term_id, _, slug, name, quality, parent = target
        if by_id is not None and by_slug is not None:
            # A term first known only by its slug (from class_list) turns out to be this id: one term.
            execute("INSERT OR IGNORE INTO post_terms (post_id, term_id) SELECT post_id, ? FROM post_terms "
                    "WHERE term_id = ?", (term_id, by_slug[0]))
            execute("DELETE FROM post_terms WHERE term_id = ?", (by_slug[0],))
            execute("DELETE FROM terms WHERE id = ?", (by_slug[0],))
            self._term_cache.clear()
            if by_slug[4] > quality:
                name, quality = by_slug[3], by_slug[4]
            stats.renamed_terms.add(term_id)
        better = ref.quality > quality or (ref.quality == quality >= taxonomy.NAME_EMBEDDED and ref.name != name)
        new_name = ref.name if better and ref.name else name
        new_slug = ref.slug if (better or slug is None) and ref.slug else slug
        new_parent = ref.parent if ref.quality >= taxonomy.NAME_EMBEDDED and ref.parent is not None else parent
        new_quality = max(quality, ref.quality)
        gains_id = target[1] is None and ref.wp_id is not None
        if (new_name, new_slug, new_parent, new_quality) != (name, slug, parent, quality) or gains_id or raw:
            execute("UPDATE terms SET wp_id = coalesce(wp_id, ?), slug = ?, name = ?, quality = ?, "
                    "parent_wp_id = ?, raw = coalesce(?, raw) WHERE id = ?",
                    (ref.wp_id, new_slug, new_name, new_quality, new_parent, raw, term_id))
        if _words(new_name) != _words(name):
            stats.renamed_terms.add(term_id)
        self._term_cache[key] = (term_id, new_quality, new_slug, new_name)
        return term_id, new_name or ""

    def store_author(self, author: Author, stats: WriteStats) -> None:
        """Record a user's name; a better or newer source replaces the name everywhere."""
        site_id = self.site_id(author.site)
        key = (site_id, author.wp_id)
        cached = self._author_cache.get(key)
        if cached is not None and author.raw is None and (cached[0] == author.name or author.quality < cached[1]):
            return
        row = self._conn.execute("SELECT name, quality FROM authors WHERE site_id = ? AND wp_id = ?", key).fetchone()
        if row is None:
            self._conn.execute(
                "INSERT INTO authors (site_id, wp_id, name, slug, link, quality, raw) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*key, author.name, author.slug, author.link, author.quality, author.raw))
            if self._conn.execute("SELECT 1 FROM posts WHERE site_id = ? AND author_id = ? LIMIT 1", key).fetchone():
                stats.renamed_authors.add(key)  # posts imported before their author was named
        elif author.quality >= row[1]:
            self._conn.execute(
                "UPDATE authors SET name = ?, slug = coalesce(?, slug), link = coalesce(?, link), quality = ?, "
                "raw = coalesce(?, raw) WHERE site_id = ? AND wp_id = ?",
                (author.name, author.slug, author.link, author.quality, author.raw, *key))
            if _words(row[0]) != _words(author.name):
                stats.renamed_authors.add(key)
        else:
            self._author_cache[key] = (row[0], row[1])
            return
        self._author_cache[key] = (author.name, author.quality)

    def _author_name(self, site_id: int, author_id: int | None) -> str:
        if author_id is None:
            return ""
        cached = self._author_cache.get((site_id, author_id))
        if cached is not None:
            return cached[0]
        row = self._conn.execute("SELECT name, quality FROM authors WHERE site_id = ? AND wp_id = ?",
                                 (site_id, author_id)).fetchone()
        if row is None:
            return ""
        self._author_cache[(site_id, author_id)] = (row[0], row[1])
        return str(row[0])

    def store_media(self, media: Media) -> None:
        """Record a media item; an embedded copy never replaces what a media list said."""
        self._conn.execute(
            "INSERT INTO media (site_id, wp_id, url, alt, caption, mime, width, height, raw) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, wp_id) DO UPDATE SET "
            "url = coalesce(excluded.url, url), alt = iif(excluded.alt = '', alt, excluded.alt), "
            "caption = iif(excluded.caption = '', caption, excluded.caption), mime = coalesce(excluded.mime, mime), "
            "width = coalesce(excluded.width, width), height = coalesce(excluded.height, height), "
            "raw = coalesce(excluded.raw, raw)",
            (self.site_id(media.site), media.wp_id, media.url, media.alt, media.caption, media.mime,
             media.width, media.height, media.raw),
        )

    def posts_by_authors(self, keys: Sequence[tuple[str, int]]) -> int:
        """How many posts the given (site, author id) pairs wrote."""
        return self._count_by_site("author_id", keys)

    def posts_featuring(self, keys: Sequence[tuple[str, int]]) -> int:
        """How many posts use the given (site, media id) pairs as their featured image."""
        return self._count_by_site("featured_media", keys)

    def _count_by_site(self, column: str, keys: Sequence[tuple[str, int]]) -> int:
        # One query per site, not per key: with no index on the column, a query per key read every post once per
        # key (an export of 30,000 posts and their 30,000 images took ten minutes here).
        ids_by_host: dict[str, set[int]] = {}
        for host, wp_id in keys:
            ids_by_host.setdefault(host, set()).add(wp_id)
        return sum(int(self._conn.execute(
            f"SELECT count(*) FROM posts p JOIN sites s ON s.id = p.site_id WHERE s.host = ? "
            f"AND p.{column} IN (SELECT value FROM json_each(?))", (host, json.dumps(sorted(ids)))).fetchone()[0])
            for host, ids in ids_by_host.items())

    # -- what changed ----------------------------------------------------------------------------------
    def _bump_generation(self) -> None:
        self._conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")

    def delete_posts(self, post_ids: Sequence[int]) -> None:
        """Delete posts: hidden at once (the state file), purged from the content as soon as it is free."""
        self._state_write("INSERT OR IGNORE INTO state.deleted (post_id) VALUES (?)", [(i,) for i in post_ids])
        self._conn.execute("PRAGMA busy_timeout = 200")
        try:
            self.purge_deleted()
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF not in (*_BUSY_CODES, sqlite3.SQLITE_READONLY):
                raise  # busy: purged later; read-only: hidden for as long as the window is open
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def purge_deleted(self) -> None:
        """Remove the posts the user deleted from the content, with their raw text, terms links and index."""
        ids = [(r[0],) for r in self._conn.execute("SELECT post_id FROM state.deleted")]
        if not ids:
            return
        self._conn.execute("BEGIN")
        try:
            self._bump_generation()
            for table, column in (("posts_fts", "rowid"), ("post_terms", "post_id"), ("post_raw", "post_id"),
                                  ("post_content", "post_id"), ("posts", "id"), ("state.post_state", "post_id"),
                                  ("state.deleted", "post_id")):
                self._conn.executemany(f"DELETE FROM {table} WHERE {column} = ?", ids)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # -- reading state ---------------------------------------------------------------------------------
    def set_read(self, post_ids: Sequence[int], read: bool = True) -> None:
        """Mark posts read or unread. State is kept apart from content and survives re-imports."""
        self._set_state("read", post_ids, read)

    def set_starred(self, post_ids: Sequence[int], starred: bool = True) -> None:
        """Star or unstar posts."""
        self._set_state("starred", post_ids, starred)

    def _set_state(self, column: str, post_ids: Sequence[int], value: bool) -> None:
        # Reading state is not content: it leaves the generation (and what is cached for it) alone.
        self._state_write(f"INSERT INTO state.post_state (post_id, {column}) VALUES (?, ?) "
                          f"ON CONFLICT (post_id) DO UPDATE SET {column} = excluded.{column}",
                          [(post_id, int(value)) for post_id in post_ids])

    def _state_write(self, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """One write to the state file alone, in a deferred transaction that never takes the content's lock."""
        self._conn.execute("BEGIN")
        try:
            self._conn.executemany(sql, rows)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")


def normal_modified(value: str | None) -> str | None:
    """A modification time as one comparable text: ``2024-03-01T10:00:00`` (WXR writes a space for the T)."""
    if not value:
        return None
    return value.strip().replace(" ", "T", 1)[:19]


def _words(name: str | None) -> list[str]:
    """What the search index sees of a name: a rename that changes only case or punctuation changes nothing."""
    return re.findall(r"\w+", unicodedata.normalize("NFKD", name or "").casefold())

