"""``article-browser sync [URL]``: copy a live WordPress site into the library, or update every added site."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path
from typing import Any, TextIO

from desktop.core.formats.site import SyncProgress
from desktop.core.formats.site_http import SiteClient, SiteError, discover
from desktop.core.library import FILE_NAME, Library, LibraryError
from desktop.core.syncing import SyncReport, sync_into


def add_sync_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """The ``sync`` subcommand's arguments."""
    sync = commands.add_parser(
        "sync", parents=[common], help="copy a WordPress site into the library by its address, or update all",
        description="Copy a WordPress site into the library through its REST API, from any page's address. "
                    "Without an address, update every site added by address. Only what changed is fetched.")
    sync.add_argument("addresses", nargs="*", metavar="URL", help="the site's address, e.g. https://example.com")


def prepare(library_path: Path, addresses: list[str], err: TextIO) -> bool:
    """Before a new library is created for a sync, check the first site is WordPress: a failure leaves no file."""
    target = library_path if library_path.suffix else library_path / FILE_NAME
    if target.exists() or not addresses:
        return True
    try:
        discover(SiteClient(), addresses[0])
    except SiteError as error:
        print(f"article-browser: {error}", file=err)
        return False
    return True


def sync_command(library: Library, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Sync the sites given, or every added site; exit 0 when all synced, 1 when one failed."""
    addresses = list(args.addresses) or [site.address for site in library.added_sites()]
    if not addresses:
        print("article-browser: no site was added by address yet; give one: article-browser sync URL", file=err)
        return 1
    code = 0
    for address in addresses:
        code = max(code, _sync_one(library, address, out, err))
    return code


def _sync_one(library: Library, address: str, out: TextIO, err: TextIO) -> int:
    live = err.isatty()
    report: SyncReport | None = None
    try:
        for event in sync_into(library, address, cancel=threading.Event()):
            if isinstance(event, SyncProgress):
                if live:
                    pages = f"/{event.pages}" if event.pages else ""
                    print(f"\r\x1b[K{event.phase.value} {event.collection} page {event.page}{pages}  "
                          f"{event.items:,} items, {event.requests} requests", end="", file=err, flush=True)
            else:
                report = event
    except SiteError as error:
        _clear(live, err)
        print(f"article-browser: {error}", file=err)
        return 1
    except LibraryError as error:
        _clear(live, err)
        print(f"article-browser: {error}", file=err)
        return 1
    _clear(live, err)
    assert report is not None
    for failure in report.failures:
        print(f"   failed  {failure.url}: {failure.reason}", file=out)
    print(report.headline(), file=out)
    print(f"           {report.requests} requests, {report.bytes_fetched / 1e6:.1f} MB in {report.seconds:.1f} s",
          file=out)
    return 0 if report.ok and not report.failures else 1


def _clear(live: bool, err: TextIO) -> None:
    if live:
        print("\r\x1b[K", end="", file=err, flush=True)
