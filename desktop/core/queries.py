"""Reading the library: filters, list pages, counts, search, terms, and the figures ``stats`` prints."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from desktop.core import searching
from desktop.core.dates import local_month, local_month_start, next_month
from desktop.core.schema import BUSY_TIMEOUT_MS
from desktop.core.searching import fts_query

# order name → (sort expression, ORDER BY over the page's k.score and k.pid)
ORDERS = {
    "relevance": ("bm25(posts_fts, 10.0, 1.0, 2.0, 3.0, 5.0)", "k.score, k.pid"),
    "newest": ("p.date_utc", "k.score DESC, k.pid DESC"),
    "oldest": ("p.date_utc", "k.score, k.pid"),
    "title": ("p.title COLLATE NOCASE", "k.score COLLATE NOCASE, k.pid"),
    "title_desc": ("p.title COLLATE NOCASE", "k.score COLLATE NOCASE DESC, k.pid DESC"),
}
LARGE_TERM = 2_000  # posts: above this a term filter walks the date index instead of the term's post list


# -- query values ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostFilter:
    """Which posts a list shows. Every field narrows the list; the default is every post."""

    term_ids: tuple[int, ...] = ()  # posts in any of these terms
    tag_ids: tuple[int, ...] = ()  # ...and in any of these
    no_category: bool = False  # posts with no category at all
    site_id: int | None = None
    types: tuple[str, ...] = ()
    since: int | None = None  # UTC seconds, inclusive
    until: int | None = None  # UTC seconds, exclusive
    unread: bool = False
    starred: bool = False
    search: str | None = None  # what the user typed; see fts_query()


@dataclass(frozen=True)
class PostRow:
    """One post as a list shows it."""

    id: int
    site: str
    type: str
    wp_id: int
    title: str
    date_utc: int | None
    date_local: str | None
    date_is_local: bool
    author: str | None
    link: str | None
    excerpt: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    read: bool
    starred: bool
    status: str | None = None  # WordPress's post status: publish, draft, private, pending, future…
    sticky: bool = False
    removed: bool = False  # a sync found the post gone from its site


@dataclass(frozen=True)
class StoredContent:
    """A post's content as stored, in no input format's shape: the HTML as the site serves it."""

    html: str
    protected: bool
    excerpt: str
    status: str | None
    raw_format: str  # "json" or "wxr": what ``raw_json`` holds
    sticky: bool
    comment_count: int | None
    removed_at: int | None  # when a sync found the post gone from its site


@dataclass(frozen=True)
class TermInfo:
    """A term as filters and trees see it."""

    id: int
    site: str
    taxonomy: str
    wp_id: int | None
    slug: str | None
    name: str
    parent_wp_id: int | None
    count: int
    named: bool = True  # False when only the id is known (the name shown is "#id")


_POST_COLUMNS = (
    "p.id, s.host, p.type, p.wp_id, p.title, p.date_utc, p.date_local, p.date_is_local, a.name, p.link, "
    "p.excerpt, "
    "(SELECT group_concat(t.name, char(31)) FROM post_terms pt JOIN terms t ON t.id = pt.term_id "
    " WHERE pt.post_id = p.id AND t.taxonomy = 'category' AND t.name IS NOT NULL), "
    "(SELECT group_concat(t.name, char(31)) FROM post_terms pt JOIN terms t ON t.id = pt.term_id "
    " WHERE pt.post_id = p.id AND t.taxonomy = 'post_tag' AND t.name IS NOT NULL), "
    "coalesce(st.read, 0), coalesce(st.starred, 0), p.status, p.sticky, p.removed_at IS NOT NULL"
)
_POST_JOINS = (
    "JOIN sites s ON s.id = p.site_id "
    "LEFT JOIN authors a ON a.site_id = p.site_id AND a.wp_id = p.author_id "
    "LEFT JOIN post_state st ON st.post_id = p.id"
)


def _post_row(row: Sequence[Any]) -> PostRow:
    return PostRow(
        id=row[0], site=row[1], type=row[2], wp_id=row[3], title=row[4], date_utc=row[5], date_local=row[6],
        date_is_local=bool(row[7]), author=row[8], link=row[9], excerpt=row[10],
        categories=tuple(sorted(row[11].split("\x1f"), key=str.casefold)) if row[11] else (),
        tags=tuple(sorted(row[12].split("\x1f"), key=str.casefold)) if row[12] else (),
        read=bool(row[13]), starred=bool(row[14]), status=row[15], sticky=bool(row[16]), removed=bool(row[17]),
    )


def _checked_order(flt: PostFilter, order: str | None) -> str:
    """``order``, or the default for ``flt``: best match first when searching, newest first otherwise."""
    order = order or ("relevance" if flt.search else "newest")
    if order not in ORDERS or (order == "relevance" and not flt.search):
        raise ValueError(f"unknown order {order!r}")
    return order


class Queries:
    """The read side of ``Library``: every method runs one or a few SELECTs on the library's connection."""

    _conn: sqlite3.Connection
    path: Path | None

    def _term_links(self, term_ids: Sequence[int]) -> int:
        """Posts linked to the terms, counting a post once per term (an index-only count)."""
        marks = ",".join("?" * len(term_ids))
        return int(self._conn.execute(f"SELECT count(*) FROM post_terms WHERE term_id IN ({marks})",
                                      tuple(term_ids)).fetchone()[0])
    def generation(self) -> int:
        """A number that grows with every change to the library's content (imports, deletions)."""
        return int(self._conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])

    def cached(self, name: str, generation: int) -> str | None:
        """What ``remember`` stored under ``name`` for this generation of the library, if anything."""
        row = self._conn.execute("SELECT data FROM cache WHERE name = ? AND generation = ?",
                                 (name, generation)).fetchone()
        return row[0] if row else None

    def remember(self, name: str, generation: int, data: str) -> None:
        """Store derived data for one generation; skipped, not waited for, while an import holds the lock."""
        self._conn.execute("PRAGMA busy_timeout = 0")
        try:
            self._conn.execute("INSERT OR REPLACE INTO cache (name, generation, data) VALUES (?, ?, ?)",
                               (name, generation, data))
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def term_counts(self) -> dict[int, int]:
        """Posts per term row id."""
        return dict(self._conn.execute("SELECT term_id, count(*) FROM post_terms GROUP BY term_id").fetchall())

    def posts_in_terms(self, term_ids: Sequence[int]) -> int:
        """How many posts carry any of the given terms."""
        if len(term_ids) <= 1:
            return self._term_links(term_ids) if term_ids else 0
        marks = ",".join("?" * len(term_ids))
        return int(self._conn.execute(
            f"SELECT count(DISTINCT post_id) FROM post_terms WHERE term_id IN ({marks})", tuple(term_ids)
        ).fetchone()[0])

    # -- reading ---------------------------------------------------------------------------------------
    def list_posts(self, flt: PostFilter = PostFilter(), limit: int = 100, offset: int = 0,
                   order: str | None = None) -> list[PostRow]:
        """Posts matching ``flt`` in ``order`` (one of ``ORDERS``).

        By default newest first, or best match first when searching (newest first when a search matches too
        many posts to rank: ``search_order`` says which). The page of ids is chosen first and only its rows
        are filled in, so the cost of the columns does not grow with the number of matches.
        """
        order = _checked_order(flt, order)
        where, params, selective = self._where(flt)
        if flt.search:
            query = fts_query(flt.search)
            return self._search(query, order, where, params, selective, limit, offset) if query else []
        sort_key, outer = ORDERS[order]
        # A unary + keeps SQLite from walking an index in sort order when the filter picks few posts.
        key = "+" + sort_key if selective else sort_key
        page = (f"SELECT p.id AS pid, {sort_key} AS score FROM posts p WHERE 1 {where} "
                f"ORDER BY {outer.replace('k.score', key).replace('k.pid', 'p.id')} LIMIT ? OFFSET ?")
        return self._fill(page, order, params, limit, offset)

    def _search(self, query: str, order: str, where: str, params: list[Any], selective: bool, limit: int,
                offset: int) -> list[PostRow]:
        """A page of a search: ranked, or newest first when it matches more than ``searching.RANK_LIMIT`` posts."""
        posts = int(self._conn.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()[0])
        cap = max(searching.RANK_LIMIT, posts // searching.WALK_FACTOR) + 1
        hits = searching.count_matches(self._conn, query, cap)
        if hits > searching.RANK_LIMIT:
            order = "newest" if order == "relevance" else order
            dense = hits * searching.WALK_FACTOR > posts and "*" not in query  # prefixes are slow to look up
            if dense and order == "newest" and offset + limit <= searching.WALK_LIMIT:
                reach = searching.WALK_FACTOR * (offset + limit)
                page, walk_params, bounded = searching.walk_page(self._conn, query, where, params, selective, reach)
                rows = self._fill(page, "newest", walk_params, limit, offset)
                if not bounded or len(rows) == limit:  # else too few matches among the newest posts: join them all
                    return rows
        page, params = searching.search_page(query, *ORDERS[order], where, params, ranked=order == "relevance")
        return self._fill(page, order, params, limit, offset)

    def search_order(self, flt: PostFilter, order: str | None = None) -> str:
        """The order ``list_posts(flt, order=order)`` lists in: what the sort indicator should name.

        That is ``order``, or by default best match first when searching and newest first otherwise; a search
        matching more than ``searching.RANK_LIMIT`` posts is listed newest first instead of by relevance.
        """
        order = _checked_order(flt, order)
        query = fts_query(flt.search) if flt.search else None
        limit = searching.RANK_LIMIT
        if order == "relevance" and query is not None and searching.count_matches(self._conn, query, limit + 1) > limit:
            return "newest"
        return order

    def _fill(self, page: str, order: str, params: list[Any], limit: int, offset: int) -> list[PostRow]:
        """The rows of a page of ids chosen by ``page`` (a SELECT of pid and score ending in LIMIT and OFFSET)."""
        outer = ORDERS[order][1]
        sql = f"SELECT {_POST_COLUMNS} FROM ({page}) k JOIN posts p ON p.id = k.pid {_POST_JOINS} ORDER BY {outer}"
        try:
            rows = self._conn.execute(sql, (*params, limit, offset)).fetchall()
        except sqlite3.OperationalError as error:
            if "fts5" in str(error):
                return []
            raise
        return [_post_row(r) for r in rows]

    def count_posts(self, flt: PostFilter = PostFilter()) -> int:
        """How many posts match ``flt``."""
        if flt == PostFilter(term_ids=flt.term_ids) and flt.term_ids:
            return self.posts_in_terms(flt.term_ids)
        where, params, _ = self._where(flt)
        if flt.search:
            query = fts_query(flt.search)
            if query is None:
                return 0
            if where and searching.count_matches(self._conn, query, LARGE_TERM + 1) > LARGE_TERM:
                where, params, _ = self._where(flt, counting=True)  # many matches: start from the terms' posts
            if not where:
                sql = "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?"
            else:
                sql = (f"SELECT count(*) FROM posts_fts f JOIN posts p ON p.id = f.rowid WHERE posts_fts MATCH ? "
                       f"{where}")
            params = [query, *params]
        else:
            sql = f"SELECT count(*) FROM posts p WHERE 1 {where}"
        try:
            return int(self._conn.execute(sql, params).fetchone()[0])
        except sqlite3.OperationalError as error:
            if "fts5" in str(error):
                return 0
            raise

    def _where(self, flt: PostFilter, counting: bool = False) -> tuple[str, list[Any], bool]:
        """SQL conditions for ``flt``, their parameters, and whether the filter is selective.

        Selective filters pick few enough posts that sorting them beats walking the date index. ``counting``
        starts from a term's posts however many it has: counting the many matches of a search in a large category
        took 140 ms that way, 840 ms checking each match's terms (``the`` in Politics, 100,000 posts, busy machine).
        """
        clauses: list[str] = []
        params: list[Any] = []
        selective = False
        for ids in (flt.term_ids, flt.tag_ids):
            if ids:
                marks = ",".join("?" * len(ids))
                if not counting and self._term_links(ids) > LARGE_TERM:
                    # Common terms: walk posts newest first and stop at the page's end.
                    clauses.append(f"EXISTS (SELECT 1 FROM post_terms x WHERE x.post_id = p.id "
                                   f"AND x.term_id IN ({marks}))")
                else:  # rare terms: start from the term's few posts
                    clauses.append(f"p.id IN (SELECT post_id FROM post_terms WHERE term_id IN ({marks}))")
                    selective = True
                params.extend(ids)
        if flt.no_category:
            clauses.append("p.type = 'post' AND NOT EXISTS (SELECT 1 FROM post_terms pt JOIN terms t "
                           "ON t.id = pt.term_id WHERE pt.post_id = p.id AND t.taxonomy = 'category')")
        if flt.site_id is not None:
            clauses.append("p.site_id = ?")
            params.append(flt.site_id)
        if flt.types:
            clauses.append(f"p.type IN ({','.join('?' * len(flt.types))})")
            params.extend(flt.types)
        if flt.since is not None:
            clauses.append("p.date_utc >= ?")
            params.append(flt.since)
        if flt.until is not None:
            clauses.append("p.date_utc < ?")
            params.append(flt.until)
        if flt.unread:
            clauses.append("NOT EXISTS (SELECT 1 FROM post_state x WHERE x.post_id = p.id AND x.read)")
        if flt.starred:
            clauses.append("p.id IN (SELECT post_id FROM post_state WHERE starred)")
            selective = True
        if self._conn.execute("SELECT EXISTS (SELECT 1 FROM state.deleted)").fetchone()[0]:
            clauses.append("p.id NOT IN (SELECT post_id FROM state.deleted)")  # deleted, not yet purged
        return "".join(f" AND {c}" for c in clauses), params, selective

    def post(self, post_id: int) -> PostRow | None:
        """One post by its row id."""
        row = self._conn.execute(f"SELECT {_POST_COLUMNS} FROM posts p {_POST_JOINS} WHERE p.id = ?",
                                 (post_id,)).fetchone()
        return _post_row(row) if row else None

    def post_terms(self, post_id: int) -> list[tuple[str, int, str]]:
        """(taxonomy, term id, name) of a post's named terms, by name."""
        rows = self._conn.execute(
            "SELECT t.taxonomy, t.id, t.name FROM post_terms pt JOIN terms t ON t.id = pt.term_id "
            "WHERE pt.post_id = ? AND t.name IS NOT NULL", (post_id,)).fetchall()
        return sorted(((r[0], r[1], r[2]) for r in rows), key=lambda r: (r[0], r[2].casefold()))

    def featured_image(self, post_id: int) -> tuple[str, str] | None:
        """The URL and alt text of a post's featured image, when a media list or ``_embed`` named it."""
        row = self._conn.execute(
            "SELECT m.url, m.alt FROM posts p JOIN media m ON m.site_id = p.site_id AND m.wp_id = p.featured_media "
            "WHERE p.id = ? AND m.url IS NOT NULL", (post_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def raw_json(self, post_id: int) -> str | None:
        """The post exactly as it was imported: its JSON object, or its WXR ``<item>`` element."""
        row = self._conn.execute("SELECT raw FROM post_raw WHERE post_id = ?", (post_id,)).fetchone()
        return row[0] if row else None

    def post_fields(self, post_id: int) -> dict[str, Any] | None:
        """Stored columns no ``PostRow`` carries, with the post's terms and author (export builds records)."""
        row = self._conn.execute(
            "SELECT p.slug, p.modified, p.author_id, p.featured_media, a.slug, a.link "
            "FROM posts p LEFT JOIN authors a ON a.site_id = p.site_id AND a.wp_id = p.author_id WHERE p.id = ?",
            (post_id,)).fetchone()
        if row is None:
            return None
        terms = self._conn.execute(
            "SELECT t.taxonomy, t.wp_id, t.slug, t.name FROM post_terms pt JOIN terms t ON t.id = pt.term_id "
            "WHERE pt.post_id = ? ORDER BY t.taxonomy, t.wp_id", (post_id,)).fetchall()
        return {"slug": row[0], "modified": row[1], "author_id": row[2], "featured_media": row[3],
                "author_slug": row[4], "author_link": row[5], "terms": [tuple(t) for t in terms]}

    def related_raw(self, post_id: int) -> list[tuple[str, str]]:
        """(kind, text) of the objects imported beside a post, exactly as imported.

        Its terms from term lists, its author from a user list, its featured image from a media list; kind is
        "term", "author" or "media".
        """
        return [(r[0], r[1]) for r in self._conn.execute(
            "SELECT 'term', t.raw FROM post_terms pt JOIN terms t ON t.id = pt.term_id "
            "WHERE pt.post_id = ? AND t.raw IS NOT NULL "
            "UNION ALL SELECT 'author', a.raw FROM posts p JOIN authors a ON a.site_id = p.site_id "
            "AND a.wp_id = p.author_id WHERE p.id = ? AND a.raw IS NOT NULL "
            "UNION ALL SELECT 'media', m.raw FROM posts p JOIN media m ON m.site_id = p.site_id "
            "AND m.wp_id = p.featured_media WHERE p.id = ? AND m.raw IS NOT NULL",
            (post_id, post_id, post_id)).fetchall()]

    def post_content(self, post_id: int) -> StoredContent | None:
        """What reading a post needs beyond its row: the content HTML and the facts around it."""
        row = self._conn.execute(
            "SELECT coalesce(c.html, ''), p.protected, p.excerpt, p.status, p.raw_format, p.sticky, p.comment_count, "
            "p.removed_at FROM posts p LEFT JOIN post_content c ON c.post_id = p.id WHERE p.id = ?",
            (post_id,)).fetchone()
        if row is None:
            return None
        return StoredContent(row[0], bool(row[1]), row[2], row[3], row[4], bool(row[5]), row[6], row[7])

    def terms(self, taxonomy_name: str | None = None, site: str | None = None,
              counts: dict[int, int] | None = None) -> list[TermInfo]:
        """Terms with their post counts, optionally of one taxonomy and site, by name.

        ``counts`` (from ``term_counts()``) saves counting again when several taxonomies are listed.
        """
        clauses, params = [], []
        if taxonomy_name:
            clauses.append("t.taxonomy = ?")
            params.append(taxonomy_name)
        if site:
            clauses.append("s.host = ?")
            params.append(site)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        counts = self.term_counts() if counts is None else counts
        rows = self._conn.execute(
            "SELECT t.id, s.host, t.taxonomy, t.wp_id, t.slug, t.name, t.parent_wp_id "
            f"FROM terms t JOIN sites s ON s.id = t.site_id {where}", params).fetchall()
        infos = [TermInfo(r[0], r[1], r[2], r[3], r[4], r[5] or f"#{r[3]}", r[6], counts.get(r[0], 0),
                          r[5] is not None) for r in rows]
        return sorted(infos, key=lambda t: (t.site, t.taxonomy, t.name.casefold()))

    def find_terms(self, taxonomy_name: str, name_or_slug: str, site: str | None = None) -> list[TermInfo]:
        """Terms whose name or slug is ``name_or_slug`` (any case), with all their descendants."""
        wanted = name_or_slug.casefold()
        terms = self.terms(taxonomy_name, site)
        found = [t for t in terms if wanted in (t.name.casefold(), (t.slug or "").casefold(),
                                                unquote(t.slug or "").casefold())]
        children: dict[tuple[str, int], list[TermInfo]] = {}
        for term in terms:
            if term.parent_wp_id:
                children.setdefault((term.site, term.parent_wp_id), []).append(term)
        result: dict[int, TermInfo] = {}
        stack = list(found)
        while stack:
            term = stack.pop()
            if term.id not in result:
                result[term.id] = term
                if term.wp_id is not None:
                    stack.extend(children.get((term.site, term.wp_id), []))
        return list(result.values())

    def state_counts(self) -> dict[str, int]:
        """How many posts there are, unread and starred."""
        total = self._conn.execute(
            "SELECT (SELECT count(*) FROM posts) - (SELECT count(*) FROM state.deleted)").fetchone()[0]
        read, starred = self._conn.execute(
            "SELECT coalesce(sum(read), 0), coalesce(sum(starred), 0) FROM post_state "
            "WHERE post_id NOT IN (SELECT post_id FROM state.deleted)").fetchone()
        return {"all": total, "unread": total - read, "starred": starred}

    def month_counts(self) -> list[tuple[int, int, int]]:
        """(year, month, posts) in the computer's local time, newest first.

        One range count per month that has posts, on the date index: far cheaper than converting every
        post's date, and a library spanning years 1 to 9999 costs no more than its months with posts.
        """
        execute = self._conn.execute
        first = execute("SELECT min(date_utc) FROM posts").fetchone()[0]
        counts = []
        while first is not None:
            year, month = local_month(first)
            start = local_month_start(year, month)
            end = max(local_month_start(*next_month(year, month)), first + 1)  # always moves on
            count = execute("SELECT count(*) FROM posts WHERE date_utc >= ? AND date_utc < ?",
                            (min(start, first), end)).fetchone()[0]
            if count:
                counts.append((year, month, int(count)))
            first = execute("SELECT min(date_utc) FROM posts WHERE date_utc >= ?", (end,)).fetchone()[0]
        return counts[::-1]

    def site_counts(self) -> dict[str, int]:
        """Posts per site host."""
        return dict(self._conn.execute(
            "SELECT s.host, count(p.id) FROM sites s LEFT JOIN posts p ON p.site_id = s.id GROUP BY s.id"
        ).fetchall())

    def site_ids(self) -> dict[str, int]:
        """Every site's host and row id."""
        return dict(self._conn.execute("SELECT host, id FROM sites ORDER BY host").fetchall())

    def stats(self) -> dict[str, Any]:
        """Counts that describe the library."""
        one = self._conn.execute
        by_type = dict(one("SELECT type, count(*) FROM posts GROUP BY type ORDER BY type").fetchall())
        sites = dict(sorted(self.site_counts().items()))
        state = self.state_counts()
        taxonomies = dict(one("SELECT taxonomy, count(*) FROM terms GROUP BY taxonomy ORDER BY taxonomy").fetchall())
        first, last = one("SELECT min(date_utc), max(date_utc) FROM posts").fetchone()
        return {
            "library": str(self.path) if self.path else ":memory:",
            "schema_version": int(self._conn.execute("PRAGMA user_version").fetchone()[0]),
            "posts": sum(by_type.values()),
            "posts_by_type": by_type,
            "sites": sites,
            "terms": taxonomies,
            "authors": one("SELECT count(*) FROM authors").fetchone()[0],
            "media": one("SELECT count(*) FROM media").fetchone()[0],
            "unread": state["unread"],
            "starred": state["starred"],
            "first_date_utc": first,
            "last_date_utc": last,
            "file_bytes": self.path.stat().st_size if self.path and self.path.exists() else 0,
        }

