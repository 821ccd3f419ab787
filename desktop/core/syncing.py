"""Sync a live site into the library: ``formats.site`` fetches pages, this stores them, one transaction each.

``sync_into`` is a generator like ``import_paths``: it yields ``SyncProgress`` and ends with a ``SyncReport``.
Every page of items is stored as REST JSON files are (same records, same identity and newer-wins rules, the
exact JSON text kept), together with the sync state that lets an interrupted sync resume after it. Posts
the site no longer lists stay in the library and are marked as removed from the site.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from desktop.core.formats.rest_json import classify
from desktop.core.formats.site import (
    Failure,
    SiteFound,
    SyncOptions,
    SyncPage,
    SyncProgress,
    SyncState,
    SyncSummary,
    sync_site,
)
from desktop.core.formats.site_http import SiteClient, SiteError
from desktop.core.library import Library, WriteStats
from desktop.core.records import Author, ListedTerm, Media, Post, Record, Skip

__all__ = ["SiteError", "SyncProgress", "SyncReport", "sync_into"]


@dataclass
class SyncReport:
    """What a sync did to the library, for the summary line and the report."""

    address: str
    site: str = ""
    name: str = ""
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # posts newly found gone from the site
    named: Counter[str] = field(default_factory=Counter)  # terms, authors, media listed
    skipped: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    requests: int = 0
    bytes_fetched: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    stopped: Failure | None = None

    @property
    def ok(self) -> bool:
        """True when the sync ran to its end (single pages may still have failed)."""
        return not self.cancelled and self.stopped is None

    def headline(self) -> str:
        """One line: ``example.com: 12 new, 3 updated, 480 unchanged, 1 removed from the site``."""
        if not (self.new or self.updated or self.unchanged or self.removed or self.failures) and self.ok:
            return f"{self.name or self.site or self.address}: up to date, no post changed since the last sync"
        parts = [f"{self.new} new", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.removed:
            parts.append(f"{self.removed} removed from the site")
        if self.failures:
            parts.append(f"{len(self.failures)} failed")
        status = " (cancelled; the next sync resumes)" if self.cancelled else \
            f" (stopped: {self.stopped.reason})" if self.stopped else ""
        return f"{self.name or self.site or self.address}: {', '.join(parts)}{status}"


def sync_into(library: Library, address: str, *, cancel: threading.Event | None = None,
              client: SiteClient | None = None, options: SyncOptions | None = None
              ) -> Iterator[SyncProgress | SyncReport]:
    """Sync the site at ``address`` into ``library``; raises ``SiteError`` when the site cannot be used.

    A site synced before resumes from its saved state: only what changed is fetched.
    """
    added = library.added_site(address)
    state = SyncState.from_json(added.sync_state) if added and added.sync_state else None
    if added is not None:
        address = added.address
    report = SyncReport(address)
    for event in sync_site(address, state, client=client, cancel=cancel, options=options):
        if isinstance(event, SyncProgress):
            yield event
        elif isinstance(event, SiteFound):
            report.site, report.name = event.info.site, event.info.name
        elif isinstance(event, SyncPage):
            _store_page(library, event, report)
        elif isinstance(event, SyncSummary):
            _finish(library, event, report)
    yield report


def _store_page(library: Library, page: SyncPage, report: SyncReport) -> None:
    with library.transaction() as stats:
        for item in page.items:
            _store(library, classify(item.value, item.text), report, stats)
        library.save_sync_state(page.state.site, page.state.address, report.name, page.state.to_json())


def _store(library: Library, record: Record, report: SyncReport, stats: WriteStats) -> None:
    if isinstance(record, Post):
        outcome = library.store_post(record, report.address, stats)
        if outcome == "new":
            report.new += 1
        elif outcome == "updated":
            report.updated += 1
        else:
            report.unchanged += 1
    elif isinstance(record, ListedTerm):
        library.store_term(library.site_id(record.site), record.term, record.raw, stats)
        report.named["terms"] += 1
    elif isinstance(record, Author):
        library.store_author(record, stats)
        report.named["authors"] += 1
    elif isinstance(record, Media):
        library.store_media(record)
        report.named["media"] += 1
    elif isinstance(record, Skip):
        report.skipped[record.reason] += 1


def _finish(library: Library, summary: SyncSummary, report: SyncReport) -> None:
    report.failures = list(summary.failures)
    report.requests, report.bytes_fetched, report.seconds = summary.requests, summary.bytes_fetched, summary.seconds
    report.cancelled, report.stopped = summary.cancelled, summary.stopped
    report.site = report.site or summary.state.site
    if not report.site:
        return  # nothing was found: the library stays untouched
    with library.transaction():
        for post_type, ids in summary.removed.items():  # keyed by post type
            if ids:
                report.removed += library.mark_removed(report.site, post_type, ids)
        library.save_sync_state(report.site, summary.state.address, report.name, summary.state.to_json())
