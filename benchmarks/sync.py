"""Syncing a live site against a plain sequential download of the same pages, and an unchanged re-sync.

    python benchmarks/sync.py [--posts 10000] [--paragraphs 45] [--rounds 2] [--no-store]

1. Serves a generated stand-in WordPress site (tests/core/wpserver.py) from 127.0.0.1 in its own process,
   so the server does not share the client's interpreter lock. One warm-up pass fills its caches.
2. Plain: urllib.request, one page after another (categories, tags, users, posts and pages with _embed,
   100 a page), each page split into items, classified (rest_json.classify) and stored in a fresh library,
   one transaction per page. Sync: desktop.core.formats.site.sync_site doing the same into another fresh
   library, saving its state's JSON with every page. Best of --rounds each; prints the ratio sync/plain
   (the goal is at most 1.0).
3. An unchanged re-sync from the state the first sync left: requests, bytes and time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from desktop.core.formats.rest_json import classify  # noqa: E402
from desktop.core.formats.site import SyncPage, SyncSummary, split_array, sync_site  # noqa: E402
from desktop.core.formats.site_http import USER_AGENT  # noqa: E402
from desktop.core.library import Library  # noqa: E402
from desktop.core.records import Author, ListedTerm, Media, Post  # noqa: E402

EMBED = "author,wp:featuredmedia,wp:term"


def store(library: Library | None, items, source: str) -> int:
    """Classify items and store them in one transaction (as the importer stores one file); posts stored."""
    records = [classify(i.value, i.text) for i in items]
    if library is None:
        return sum(isinstance(r, Post) for r in records)
    posts = 0
    with library.transaction() as stats:
        for record in records:
            if isinstance(record, Post):
                library.store_post(record, source, stats)
                for media in record.media:
                    library.store_media(media)
                posts += 1
            elif isinstance(record, ListedTerm):
                library.store_term(library.site_id(record.site), record.term, record.raw, stats)
            elif isinstance(record, Author):
                library.store_author(record, stats)
            elif isinstance(record, Media):
                library.store_media(record)
    return posts


def plain(url: str, library: Library | None) -> tuple[float, float, int, int, int]:
    """Sequential urllib download of every page, each stored; (seconds, seconds storing, requests, bytes, posts)."""
    started = time.perf_counter()
    storing = 0.0
    requests = size = posts = 0
    for route, extra in (("categories", ""), ("tags", ""), ("users", ""), ("posts", f"&_embed={EMBED}"),
                         ("pages", f"&_embed={EMBED}")):
        page, pages = 1, 1
        while page <= pages:
            address = f"{url}wp-json/wp/v2/{route}?per_page=100&page={page}&orderby=id&order=asc{extra}"
            request = urllib.request.Request(address, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=60) as response:
                body = response.read()
                pages = int(response.headers.get("X-WP-TotalPages", "1"))
            requests += 1
            size += len(body)
            begun = time.perf_counter()
            posts += store(library, split_array(body.decode("utf-8")), url)
            storing += time.perf_counter() - begun
            page += 1
    return time.perf_counter() - started, storing, requests, size, posts


def ours(url: str, library: Library | None, state=None) -> tuple[float, float, SyncSummary, int]:
    """sync_site with every page stored; (seconds, seconds storing, summary, posts)."""
    started = time.perf_counter()
    storing = 0.0
    posts = 0
    summary = None
    for event in sync_site(url, state):
        if isinstance(event, SyncPage):
            begun = time.perf_counter()
            posts += store(library, event.items, url)
            event.state.to_json()  # what a caller saves with each page
            storing += time.perf_counter() - begun
        elif isinstance(event, SyncSummary):
            summary = event
    assert summary is not None
    return time.perf_counter() - started, storing, summary, posts


def fresh(work: Path, name: str, enabled: bool) -> Library | None:
    return Library.open(work / name) if enabled else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--paragraphs", type=int, default=45, help="paragraphs per post (~190 bytes each)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-store", action="store_true", help="fetch and classify only; store nothing")
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-m", "tests.core.wpserver", "--posts", str(args.posts),
                               "--paragraphs", str(args.paragraphs)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        storing = not args.no_store
        print(f"stand-in site: {url}, {args.posts} posts + 20 pages; storing: {'yes' if storing else 'no'}")
        plain(url, None)  # warm-up: the server serialises each post once
        with tempfile.TemporaryDirectory(prefix="ab-sync-") as work:
            best = {"plain": float("inf"), "sync": float("inf"), "plain-io": float("inf"), "sync-io": float("inf")}
            summary = None
            for n in range(args.rounds):
                seconds, storing_time, requests, size, posts = plain(url, fresh(Path(work), f"plain-{n}", storing))
                print(f"plain sequential: {seconds:6.2f} s  (network {seconds - storing_time:5.2f} s, classify+store "
                      f"{storing_time:5.2f} s)  {requests} requests, {size / 1e6:.0f} MB, {posts} posts")
                best["plain"] = min(best["plain"], seconds)
                best["plain-io"] = min(best["plain-io"], seconds - storing_time)
                seconds, storing_time, summary, posts = ours(url, fresh(Path(work), f"sync-{n}", storing))
                print(f"sync_site:        {seconds:6.2f} s  (waiting {seconds - storing_time:5.2f} s, classify+store "
                      f"{storing_time:5.2f} s)  {summary.requests} requests, {summary.bytes_fetched / 1e6:.0f} MB, "
                      f"{posts} posts, ok={summary.ok}")
                best["sync"] = min(best["sync"], seconds)
                best["sync-io"] = min(best["sync-io"], seconds - storing_time)
            print(f"ratio sync/plain, best of {args.rounds}: total {best['sync'] / best['plain']:.2f} (goal <= 1.0); "
                  f"time not spent classifying and storing {best['sync-io'] / best['plain-io']:.2f}")
            assert summary is not None
            state_size = len(summary.state.to_json())
            seconds, _, again, posts = ours(url, fresh(Path(work), f"sync-{args.rounds - 1}", storing),
                                            summary.state)
            print(f"unchanged re-sync: {seconds:6.2f} s  {again.requests} requests, "
                  f"{again.bytes_fetched / 1e3:.0f} kB, {posts} posts fetched, ok={again.ok}; "
                  f"state {state_size / 1e3:.0f} kB of JSON")
            print(json.dumps({"fetched": again.fetched, "removed": again.removed}))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
