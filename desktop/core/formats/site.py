"""A live WordPress site → pages of REST JSON items, fetched as a generator the caller stores page by page.

``sync_site(address, state)`` finds the site's REST API, then yields ``SyncProgress``, one ``SiteFound``, a
``SyncPage`` for every page of items (each item a ``jsonstream.Item``: the parsed value and its exact text,
sliced from the response, for ``rest_json.classify``) and finally a ``SyncSummary``. Store each page's items
and ``page.state.to_json()`` in one transaction; a cancelled or interrupted sync resumes from that state.

The first sync lists categories, tags and users (so every post is named), then every public post type, with
``_embed`` for authors, terms and featured images. Later syncs ask only for what changed: ``modified_after``
(WordPress compares it with the site's local time, so the last change seen, in UTC, is converted with the
site's time zone and moved back by a look-back), and a light id listing finds new and deleted posts.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desktop.core.formats.jsonstream import Item
from desktop.core.formats.site_http import (
    FATAL_KINDS,
    ErrorKind,
    Response,
    SiteClient,
    SiteError,
    SiteInfo,
    api_url,
    discover,
    link_with_rel,
    read_root,
)
from desktop.core.formats.site_state import (
    CATEGORIES,
    MEDIA,
    NAMES,
    TAGS,
    USERS,
    Collection,
    CollectionState,
    Failure,
    Phase,
    SiteFound,
    SyncEvent,
    SyncOptions,
    SyncPage,
    SyncProgress,
    SyncState,
    SyncSummary,
)

__all__ = ["Collection", "CollectionState", "Failure", "Phase", "SiteFound", "SyncEvent", "SyncOptions",
           "SyncPage", "SyncProgress", "SyncState", "SyncSummary", "split_array", "sync_site"]

EMBED = "author,wp:featuredmedia,wp:term"  # not "replies": comments are not kept
INCLUDE_CHUNK = 100
_SKIPPED_TYPES = frozenset({"attachment", "nav_menu_item", "wp_block", "wp_template", "wp_template_part",
                            "wp_navigation", "wp_global_styles", "wp_font_family", "wp_font_face"})
_SPACE = re.compile(r"[ \t\n\r]*")


def sync_site(address: str, state: SyncState | None = None, *, client: SiteClient | None = None,
              cancel: threading.Event | None = None, options: SyncOptions | None = None) -> Iterator[SyncEvent]:
    """Sync the WordPress site at ``address`` (any page of it), from ``state`` when it was synced before.

    Raises ``SiteError`` before any ``SyncPage`` when the site cannot be used (not WordPress, REST API closed,
    unreachable, TLS); later problems are reported in the summary. ``cancel`` (or closing the generator)
    stops between pages; the summary then says ``cancelled`` and its state resumes where it stopped.
    """
    client = client or SiteClient()
    options = options or SyncOptions()
    started = time.monotonic()
    yield SyncProgress(Phase.CONNECTING, "", 0, None, 0, client.requests)
    info = _connect(client, address, state)
    if state is None or (state.site and state.site != info.site):
        state = SyncState(address=address)
    else:
        state = SyncState.from_json(state.to_json())
    state.address, state.api_root, state.site = address, info.api_root, info.site
    pool = ThreadPoolExecutor(max_workers=max(1, options.concurrency), thread_name_prefix="site-sync")
    run = _Run(client, info, state, options, cancel, pool)
    try:
        collections = yield from run.post_types()
        yield SiteFound(info, tuple(collections))
        yield from run.everything(collections)
        state.last_finished = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except _CancelledError:
        run.cancelled = True
    except _StopError as stop:
        run.stopped = stop.failure
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # no request outlives the sync
    yield run.summary(time.monotonic() - started)


def _connect(client: SiteClient, address: str, state: SyncState | None) -> SiteInfo:
    if state is not None and state.api_root and state.address == address:
        try:
            return read_root(client, state.api_root, address)
        except SiteError as error:
            if error.kind in FATAL_KINDS and error.kind is not ErrorKind.OFFSITE:
                raise
    return _discover_typed(client, address)


def _discover_typed(client: SiteClient, address: str) -> SiteInfo:
    """``discover``; an address typed without a scheme is tried with https, then with plain http."""
    try:
        return discover(client, address)
    except SiteError as error:
        if "://" in address.strip() or error.kind not in (ErrorKind.TLS, ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT):
            raise
        try:
            return discover(client, "http://" + address.strip().lstrip("/"))
        except SiteError:
            raise SiteError(error.kind, error.url, f"{error.reason}; over plain http it failed too",
                            error.status) from None


def split_array(text: str) -> list[Item]:
    """The elements of a JSON array, each with its exact text; ``ValueError`` when ``text`` is not one."""
    decode = json.JSONDecoder().raw_decode
    pos = _SPACE.match(text, 1 if text.startswith("\ufeff") else 0).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] != "[":
        raise ValueError("the answer is not a JSON list")
    items: list[Item] = []
    pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] == "]":
        pos += 1
    else:
        while True:
            value, end = decode(text, pos)
            items.append(Item(value, text[pos:end]))
            pos = _SPACE.match(text, end).end()  # type: ignore[union-attr]
            separator = text[pos : pos + 1]
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            if separator == "]":
                break
            if separator != ",":
                raise ValueError("the JSON list is malformed")
    if text[pos:].strip():
        raise ValueError("extra data after the JSON list")
    return items


def local_time(utc_text: str, info: SiteInfo) -> datetime | None:
    """A UTC time as WordPress writes it (``modified_gmt``) → the site's wall-clock time, as in ``post_modified``.

    By the site's time zone name when it has one (daylight saving included), else by its offset.
    """
    try:
        moment = datetime.fromisoformat(utc_text.strip().removesuffix("Z")).replace(tzinfo=None)
    except ValueError:
        return None
    if info.timezone:
        try:
            return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(info.timezone)).replace(tzinfo=None)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return moment + timedelta(hours=info.gmt_offset)


class _CancelledError(Exception):
    pass


class _StopError(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


@dataclass
class _Page:
    """One fetched page: its items, or a failure, and what its headers say about the rest."""

    number: int
    items: list[Item] | None = None
    total_pages: int | None = None
    more: bool = False
    end: bool = False  # past the last page
    failure: Failure | None = None


Pages = Generator[SyncEvent, None, list[Item] | None]


@dataclass
class _Run:
    client: SiteClient
    info: SiteInfo
    state: SyncState
    options: SyncOptions
    cancel: threading.Event | None
    pool: ThreadPoolExecutor
    fetched: Counter[str] = field(default_factory=Counter)
    removed: dict[str, tuple[int, ...]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False
    stopped: Failure | None = None

    # -- the plan -----------------------------------------------------------------------------------------
    def post_types(self) -> Generator[SyncEvent, None, list[Collection]]:
        """The public post types with a REST collection, from ``/wp/v2/types``; posts and pages if it fails."""
        found = [Collection("posts", "/wp/v2/posts", "post"), Collection("pages", "/wp/v2/pages", "page")]
        try:
            response = self.client.get(api_url(self.info.api_root, "/wp/v2/types",
                                               [("_fields", "slug,rest_base,rest_namespace")]))
            types = response.json() if response.ok else None
        except SiteError as error:
            self._fatal_or_note(error, "types")
            types = None
        if not isinstance(types, dict):
            self.notes.append("the site does not list its post types; syncing posts and pages")
            return found
        for slug, entry in sorted(types.items()):
            if slug in _SKIPPED_TYPES or slug in ("post", "page") or not isinstance(entry, dict):
                continue
            base, namespace = entry.get("rest_base"), entry.get("rest_namespace") or "wp/v2"
            if isinstance(base, str) and base and isinstance(namespace, str):
                found.append(Collection(base, f"/{namespace.strip('/')}/{base.strip('/')}", slug))
        return found
        yield  # a generator, for ``yield from``

    def everything(self, collections: Sequence[Collection]) -> Iterator[SyncEvent]:
        """Names first on a first sync, then each post type (all of it, or what changed), then missing names."""
        for names in NAMES:
            if not self.state.collection(names.route).complete:
                yield from self.crawl(names, Phase.NAMES, [("orderby", "id"), ("order", "asc")])
        for collection in collections:
            if self.state.collection(collection.route).complete:
                yield from self.refresh(collection)
            else:
                resumed = bool(self.state.collection(collection.route).pages_done)
                params = [("orderby", "id"), ("order", "asc"), ("_embed", EMBED)]
                yield from self.crawl(collection, Phase.POSTS, params)
                if resumed and self.state.collection(collection.route).complete:
                    yield from self.refresh(collection, changes=False)
        for names in (*NAMES, MEDIA):
            wanted = self.state.collection(names.route).wanted
            if wanted:
                yield from self.by_id(names, sorted(wanted), [])
                wanted.clear()

    # -- collections --------------------------------------------------------------------------------------
    def crawl(self, collection: Collection, phase: Phase, params: list[tuple[str, str]]) -> Iterator[SyncEvent]:
        """Every page of ``collection`` not yet done; complete when none failed."""
        own = self.state.collection(collection.route)
        failed = False
        for page in self._pages(collection, params, own.pages_done):
            if page.failure is not None and page.number == 1 and page.failure.status in (401, 403):
                self.notes.append(f"{collection.name}: not public on this site (HTTP {page.failure.status})")
                if collection.post_type is None:
                    own.complete = True
                return
            failed = failed or page.failure is not None
            yield from self._deliver(collection, page, phase, record_page=True)
        if not failed:
            own.complete = True
            own.pages_done.clear()

    def refresh(self, collection: Collection, changes: bool = True) -> Iterator[SyncEvent]:
        """What changed in a collection synced before: edits since the last change seen, new and deleted ids."""
        own = self.state.collection(collection.route)
        wanted: set[int] = set()
        if changes:
            params = [("_fields", "id,modified_gmt"), ("orderby", "id"), ("order", "asc")]
            since = self._modified_after(own)
            if since:
                params.append(("modified_after", since))
            listed = yield from self._list(collection, Phase.CHANGES, params)
            for item in listed or []:
                wp_id, modified = _identity(item.value)
                if wp_id is not None and own.known.get(wp_id) != modified:
                    wanted.add(wp_id)
        if self.options.check_removed:
            listed = yield from self._list(collection, Phase.REMOVALS,
                                           [("_fields", "id"), ("orderby", "id"), ("order", "asc")])
            if listed is not None:
                present = {i for i in (_identity(item.value)[0] for item in listed) if i is not None}
                gone = sorted(set(own.known) - present)
                if gone and collection.post_type:
                    self.removed[collection.post_type] = (*self.removed.get(collection.post_type, ()), *gone)
                for wp_id in gone:
                    del own.known[wp_id]
                wanted |= present - set(own.known)
        yield from self.by_id(collection, sorted(wanted), [("_embed", EMBED)])

    def by_id(self, collection: Collection, ids: list[int], params: list[tuple[str, str]]) -> Iterator[SyncEvent]:
        """Fetch items by id, 100 per request."""
        chunks = [ids[i : i + INCLUDE_CHUNK] for i in range(0, len(ids), INCLUDE_CHUNK)]
        requests = [(n, [("include", ",".join(map(str, chunk))), ("per_page", str(INCLUDE_CHUNK)), *params])
                    for n, chunk in enumerate(chunks, 1)]
        phase = Phase.POSTS if collection.post_type else Phase.NAMES
        for page in self._ahead(collection, requests):
            if page.failure is not None and page.failure.status in (401, 403) and collection.post_type is None:
                self.notes.append(f"{collection.name}: not public on this site (HTTP {page.failure.status})")
                continue
            yield from self._deliver(collection, page, phase, record_page=False, pages=len(chunks))

    def _list(self, collection: Collection, phase: Phase, params: list[tuple[str, str]]) -> Pages:
        """All items of a light listing, or None when a page of it failed."""
        items: list[Item] = []
        complete = True
        for page in self._pages(collection, params, set()):
            if page.failure is not None:
                self.failures.append(page.failure)
                complete = False
            items.extend(page.items or [])
            self._check_cancel()
            yield self._progress(phase, collection, page.number, page.total_pages)
        return items if complete else None

    def _modified_after(self, own: CollectionState) -> str | None:
        latest = max((m for m in own.known.values() if m and not m.startswith("0000")), default=None)
        local = local_time(latest, self.info) if latest else None
        if local is None:
            return None
        return (local - self.options.lookback).strftime("%Y-%m-%dT%H:%M:%S")

    # -- pages --------------------------------------------------------------------------------------------
    def _pages(self, collection: Collection, params: list[tuple[str, str]], done: set[int]) -> Iterator[_Page]:
        """The pages of a listing not in ``done``, in order, fetched a few at a time once the total is known."""
        number = 1
        while number in done:
            number += 1
        per_page = [("per_page", str(self.options.per_page))]
        page = self._fetch(collection, number, [*params, *per_page, ("page", str(number))])
        if page.failure is not None and page.failure.code == "rest_invalid_param" and ("orderby", "id") in params:
            self.notes.append(f"{collection.name}: the site cannot list it by id; listed in its own order")
            params = [p for p in params if p[0] not in ("orderby", "order")]
            page = self._fetch(collection, number, [*params, *per_page, ("page", str(number))])
        yield page
        if page.total_pages is not None:
            rest = ((n, [*params, *per_page, ("page", str(n))]) for n in range(number + 1, page.total_pages + 1)
                    if n not in done)  # lazily: the total may be anything
            for page in self._ahead(collection, rest):
                yield page
                if page.end:  # fewer pages than the total said (posts deleted meanwhile, or a wrong header)
                    return
            return
        misses = 1 if page.failure else 0
        while (page.more or 0 < misses < 2) and not page.end:
            number += 1
            if number in done:
                continue
            page = self._fetch(collection, number, [*params, *per_page, ("page", str(number))])
            misses = misses + 1 if page.failure else 0
            yield page

    def _ahead(self, collection: Collection, requests: Iterable[tuple[int, list[tuple[str, str]]]]) -> Iterator[_Page]:
        """Fetch pages with a few requests in flight, yielding them in order."""
        waiting = iter(requests)
        queue: deque[Future[_Page]] = deque()

        def submit() -> None:
            for number, params in waiting:
                queue.append(self.pool.submit(self._fetch, collection, number, params))
                return

        for _ in range(max(1, self.options.concurrency)):
            submit()
        try:
            while queue:
                page = queue.popleft().result()
                submit()
                yield page
        finally:
            for future in queue:  # the sync was cancelled or stopped: drop requests not started yet
                future.cancel()

    def _fetch(self, collection: Collection, number: int, params: list[tuple[str, str]]) -> _Page:
        url = api_url(self.info.api_root, collection.route, params)
        try:
            response = self.client.get(url)
        except SiteError as error:
            failure = Failure(collection.name, url, error.reason, error.kind, error.status)
            if error.kind in FATAL_KINDS:
                raise _StopError(failure) from None
            return _Page(number, failure=failure)
        if not response.ok:
            code = response.error_code() or ""
            if response.status == 400 and code.endswith("invalid_page_number"):
                return _Page(number, items=[], end=True)
            reason = f"HTTP {response.status}" + (f" ({code})" if code else "")
            return _Page(number, failure=Failure(collection.name, url, reason, ErrorKind.HTTP, response.status,
                                                 code or None))
        try:
            items = split_array(response.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            reason = f"not a JSON list of items: {error}"
            return _Page(number, failure=Failure(collection.name, url, reason, ErrorKind.BAD_RESPONSE, response.status))
        return _Page(number, items, _total_pages(response), _has_next(response, len(items), self.options.per_page))

    def _deliver(self, collection: Collection, page: _Page, phase: Phase, *, record_page: bool,
                 pages: int | None = None) -> Iterator[SyncEvent]:
        own = self.state.collection(collection.route)
        if page.failure is not None:
            self.failures.append(page.failure)
        elif page.items:
            for item in page.items:
                wp_id, modified = _identity(item.value)
                if wp_id is not None and collection is not MEDIA:
                    own.known[wp_id] = modified
                if collection.post_type is not None:
                    self._want_names(item.value)
            if record_page:
                own.pages_done.add(page.number)
            self.fetched[collection.name] += len(page.items)
            yield SyncPage(collection, page.number if record_page else None, page.items, self.state)
        elif record_page:
            own.pages_done.add(page.number)
        self._check_cancel()
        yield self._progress(phase, collection, page.number, pages or page.total_pages)

    def _want_names(self, value: Any) -> None:
        """Remember the terms, author and featured image a post names that the sync has not fetched."""
        if not isinstance(value, dict):
            return
        for key, names in (("categories", CATEGORIES), ("tags", TAGS), ("author", USERS)):
            ids = value.get(key)
            own = self.state.collection(names.route)
            for wp_id in ids if isinstance(ids, list) else [ids]:
                if isinstance(wp_id, int) and wp_id > 0 and wp_id not in own.known:
                    own.wanted.add(wp_id)
        featured = value.get("featured_media")
        if isinstance(featured, int) and featured > 0 and not _embedded(value, "wp:featuredmedia", featured):
            self.state.collection(MEDIA.route).wanted.add(featured)

    # -- reporting ----------------------------------------------------------------------------------------
    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise _CancelledError

    def _fatal_or_note(self, error: SiteError, what: str) -> None:
        failure = Failure(what, error.url, error.reason, error.kind, error.status)
        if error.kind in FATAL_KINDS:
            raise _StopError(failure)
        self.failures.append(failure)

    def _progress(self, phase: Phase, collection: Collection, page: int, pages: int | None) -> SyncProgress:
        return SyncProgress(phase, collection.name, page, pages, sum(self.fetched.values()), self.client.requests)

    def summary(self, seconds: float) -> SyncSummary:
        """The summary event for what this run did."""
        return SyncSummary(self.info, dict(self.fetched), dict(self.removed), tuple(self.failures), tuple(self.notes),
                           self.client.requests, self.client.bytes_fetched, seconds, self.cancelled, self.stopped,
                           self.state)


def _identity(value: Any) -> tuple[int | None, str]:
    """An item's id and ``modified_gmt`` ("" for items without one)."""
    if not isinstance(value, dict):
        return None, ""
    wp_id = value.get("id")
    modified = value.get("modified_gmt")
    return (wp_id if isinstance(wp_id, int) and not isinstance(wp_id, bool) else None,
            modified if isinstance(modified, str) else "")


def _embedded(value: dict[str, Any], key: str, wp_id: int) -> bool:
    embedded = value.get("_embedded")
    entries = embedded.get(key) if isinstance(embedded, dict) else None
    return isinstance(entries, list) and any(isinstance(e, dict) and e.get("id") == wp_id for e in entries)


def _total_pages(response: Response) -> int | None:
    text = response.headers.get("X-WP-TotalPages", "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 9 else None


def _has_next(response: Response, count: int, per_page: int) -> bool:
    link = response.headers.get("Link")
    if link:
        return link_with_rel(link, "next", response.url) is not None
    return count >= per_page

