"""Live sites synced in the background, one batch of addresses after another, like imports.

The sync itself is the core's ``sync_into`` generator, run by ``GeneratorJob`` on its own thread with a
library connection of its own (the one writer); the network is only ever touched on that thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal

from desktop.core.formats.site import Phase, SyncProgress
from desktop.core.formats.site_http import SiteClient
from desktop.core.library import Library, LibraryError
from desktop.core.syncing import SiteError, SyncReport, sync_into
from desktop.ui.jobs import WriterQueue

STORED_EVERY_S = 1.5  # the list is refreshed at most this often while pages land


@dataclass(frozen=True)
class SiteStep:
    """How far the sync of one site has got."""

    host: str
    progress: SyncProgress


@dataclass(frozen=True)
class SiteOutcome:
    """One site's sync ended: its report, or why the site could not be used.

    ``error`` is the reason, preceded by the URL that failed when that is not ``address`` itself.
    """

    address: str
    host: str
    report: SyncReport | None
    error: str = ""


@dataclass(frozen=True)
class SyncBatch:
    """Every site of one request (Add Site, a drop, Update, Update All) is done."""

    outcomes: tuple[SiteOutcome, ...]
    cancelled: bool


SyncEvent = SiteStep | SiteOutcome | SyncBatch


def interruptible_client(cancel: threading.Event) -> SiteClient:
    """A client whose waits (a site's Retry-After, back-off) end as soon as the sync is cancelled."""
    def sleep(seconds: float) -> None:
        cancel.wait(seconds)
    return SiteClient(sleep=sleep)


ClientFactory = Callable[[threading.Event], SiteClient]


def host_of(address: str) -> str:
    """The host (and port) an address or a bare host names, for progress lines."""
    return urlsplit(address if "://" in address else f"//{address}").netloc or address


def run_syncs(library_path: Path, addresses: list[str] | None, cancel: threading.Event,
              make_client: ClientFactory = interruptible_client) -> Iterator[SyncEvent]:
    """Sync ``addresses`` (None: every site added by address) on the job's thread, one after another."""
    with Library.open(library_path) as library:
        targets = addresses if addresses is not None else [site.address for site in library.added_sites()]
        outcomes: list[SiteOutcome] = []
        for address in targets:
            if cancel.is_set():
                break
            outcome = yield from _sync_one(library, address, cancel, make_client(cancel))
            outcomes.append(outcome)
            yield outcome
        yield SyncBatch(tuple(outcomes), cancel.is_set())


def _sync_one(library: Library, address: str, cancel: threading.Event,
              client: SiteClient) -> Generator[SiteStep, None, SiteOutcome]:
    host = host_of(address)
    report: SyncReport | None = None
    try:
        for event in sync_into(library, address, cancel=cancel, client=client):
            if isinstance(event, SyncProgress):
                yield SiteStep(host, event)
            else:
                report = event
                host = report.site or host
    except SiteError as error:
        same = error.url.rstrip("/") == address.rstrip("/")
        return SiteOutcome(address, host, None, error.reason if same else str(error))
    except LibraryError as error:
        return SiteOutcome(address, host, None, str(error))
    return SiteOutcome(address, host, report)


class SyncQueue(WriterQueue):
    """Runs syncs one batch at a time off the GUI thread; addresses asked for meanwhile wait their turn.

    Cancel stops the running sync between pages: what it stored stays, and the next sync resumes.
    """

    progress = Signal(object)  # SiteStep
    stored = Signal()  # pages have landed in the library since the last time
    site_done = Signal(object)  # SiteOutcome

    def __init__(self, library_path: Path, parent: QObject | None = None,
                 make_client: ClientFactory = interruptible_client) -> None:
        super().__init__(parent)
        self._library_path = library_path
        self._make_client = make_client
        self._items = 0
        self._last_stored = 0.0

    def add(self, addresses: list[str] | None) -> bool:
        """Sync ``addresses`` (None: every added site) now or after the syncs already asked for.

        Returns False when the same request is already waiting.
        """
        if addresses is not None and not addresses:
            return False
        if addresses in self._waiting:
            return False
        self._enqueue(addresses)
        return True

    def work(self, request: list[str] | None) -> Callable[[threading.Event], Iterator[SyncEvent]]:
        """The syncs of ``request``'s addresses (None: every added site)."""
        library_path, make_client = self._library_path, self._make_client
        self._items = 0
        self._last_stored = time.monotonic()
        return lambda cancel: run_syncs(library_path, request, cancel, make_client)

    def on_job_progress(self, event: SyncEvent) -> None:
        """Relay progress; say now and then that more posts have landed."""
        if isinstance(event, SiteStep):
            self.progress.emit(event)
            step = event.progress
            if step.phase in (Phase.POSTS, Phase.CHANGES) and step.items > self._items:
                first, self._items = not self._items, step.items
                if first or time.monotonic() - self._last_stored >= STORED_EVERY_S:  # the page is committed
                    self._last_stored = time.monotonic()
                    self.stored.emit()
        elif isinstance(event, SiteOutcome):
            self._items = 0
            self.site_done.emit(event)
