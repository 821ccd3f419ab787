"""The window's only way into the library: a connection on its own thread, answering with signals.

The GUI thread never runs a query or a write itself. It calls the methods here, which only post a request
to the worker's thread; the answer comes back as a signal carrying the request's serial number, so a
model can drop answers to questions it no longer asks.
"""

from __future__ import annotations

import dataclasses
import json
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.core.library import Library, PostFilter
from desktop.core.navigation import cached_navigation
from desktop.core.reading import read_post


class LibraryWorker(QObject):
    """Owns a ``Library`` connection that lives on the worker's thread."""

    page_ready = Signal(int, int, object, int, str)  # serial, offset, rows, total, order listed in ("" later)
    navigation_ready = Signal(object)  # list[NavNode]
    counts_ready = Signal(object)  # {"all": n, "unread": n, "starred": n}
    post_ready = Signal(int, object, str, int, bool)  # post id, PostRow or None, HTML, images held back, shown
    raw_ready = Signal(int, str)  # post id, raw JSON (pretty-printed when it parses)
    state_changed = Signal(object, str, bool)  # post ids, "read" or "starred", value
    deleted = Signal(object)  # post ids
    marked_read = Signal(object)  # post ids Mark All as Read changed
    search_saved = Signal(int)  # the new saved search's id
    added_sites_ready = Signal(object)  # list[AddedSite]: the sites added by address
    failed = Signal(str)

    _call = Signal(object)  # a closure to run on the worker thread

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._library: Library | None = None
        self._thread = QThread()
        self._thread.setObjectName("library-worker")
        self.moveToThread(self._thread)
        self._call.connect(self._run)

    def start(self) -> None:
        """Start the thread; the connection opens with the first request."""
        self._thread.start()

    def stop(self) -> None:
        """Close the connection and end the thread (waits for the request being answered)."""
        self._call.emit(self._close)
        self._thread.quit()
        self._thread.wait()

    @Slot(object)
    def _run(self, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception:  # a failed query must never take the window down
            self.failed.emit(traceback.format_exc())

    def _lib(self) -> Library:
        if self._library is None:
            self._library = Library.open(self._path)
        return self._library

    def _close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None

    # -- requests (any thread) -----------------------------------------------------------------------------
    def fetch_page(self, serial: int, flt: PostFilter, order: str | None, offset: int, limit: int) -> None:
        """Rows ``offset`` to ``offset + limit``; the first page also carries the total count and the listed order.

        A search asked for by relevance is listed newest first when it has too many matches to rank.
        """
        def work() -> None:
            library = self._lib()
            rows = library.list_posts(flt, limit=limit, offset=offset, order=order)
            total = library.count_posts(flt) if offset == 0 else -1
            listed = library.search_order(flt, order) if offset == 0 else ""
            self.page_ready.emit(serial, offset, rows, total, listed)
        self._call.emit(work)

    def fetch_navigation(self) -> None:
        """The sidebar's tree with counts."""
        self._call.emit(lambda: self.navigation_ready.emit(cached_navigation(self._lib())))

    def fetch_counts(self) -> None:
        """The All, Unread and Starred counts."""
        self._call.emit(lambda: self.counts_ready.emit(self._lib().state_counts()))

    def fetch_added_sites(self) -> None:
        """The sites added by address (they can be updated)."""
        self._call.emit(lambda: self.added_sites_ready.emit(self._lib().added_sites()))

    def fetch_post(self, post_id: int, images: bool, width: int = 1024) -> None:
        """A post rendered for the reader, with its images (sized for ``width`` pixels) when allowed."""
        def work() -> None:
            rendered = read_post(self._lib(), post_id, images=images, image_width=width)
            if rendered is None:
                self.post_ready.emit(post_id, None, "", 0, images)
                return
            self.post_ready.emit(post_id, rendered.row, rendered.html, rendered.held_back, images)
        self._call.emit(work)

    def fetch_raw(self, post_id: int) -> None:
        """A post's JSON as imported, indented for reading."""
        def work() -> None:
            raw = self._lib().raw_json(post_id) or ""
            try:
                shown = json.dumps(json.loads(raw), ensure_ascii=False, indent=2)
            except ValueError:
                shown = raw
            self.raw_ready.emit(post_id, shown)
        self._call.emit(work)

    def set_state(self, post_ids: list[int], what: str, value: bool) -> None:
        """Mark posts read/unread or starred/unstarred."""
        def work() -> None:
            library = self._lib()
            (library.set_read if what == "read" else library.set_starred)(post_ids, value)
            self.state_changed.emit(post_ids, what, value)
        self._call.emit(work)

    def mark_all_read(self, flt: PostFilter) -> None:
        """Mark every unread post ``flt`` matches read; ``marked_read`` carries their ids (for Undo)."""
        def work() -> None:
            library = self._lib()
            ids = library.post_ids(dataclasses.replace(flt, unread=True))
            library.set_read(ids, True)
            self.state_changed.emit(ids, "read", True)
            self.marked_read.emit(ids)
        self._call.emit(work)

    def save_search(self, name: str, flt: PostFilter) -> None:
        """Keep a search in the library's state; the sidebar is sent again, with it."""
        def work() -> None:
            search_id = self._lib().save_search(name, flt)
            self.navigation_ready.emit(cached_navigation(self._lib()))
            self.search_saved.emit(search_id)
        self._call.emit(work)

    def rename_search(self, search_id: int, name: str) -> None:
        """Rename a saved search."""
        def work() -> None:
            self._lib().rename_search(search_id, name)
            self.navigation_ready.emit(cached_navigation(self._lib()))
        self._call.emit(work)

    def remove_search(self, search_id: int) -> None:
        """Forget a saved search."""
        def work() -> None:
            self._lib().remove_search(search_id)
            self.navigation_ready.emit(cached_navigation(self._lib()))
        self._call.emit(work)

    def delete(self, post_ids: list[int]) -> None:
        """Delete posts from the library."""
        def work() -> None:
            self._lib().delete_posts(post_ids)
            self.deleted.emit(post_ids)
        self._call.emit(work)
