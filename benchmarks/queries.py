"""Query latency on a large library: category filter, date range and full-text search.

    python benchmarks/queries.py [--posts 100000] [--data benchmarks/data]

Builds (once, cached under --data) a library of --posts generated posts by importing the generated corpus,
then times each query through the same Library API the window and CLI use: the first page of 100 rows and
the match count, median and worst of 20 runs after one warm-up (the target is at most 50 ms each).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from corpus import generate  # noqa: E402

from desktop.core.library import Library, PostFilter  # noqa: E402


def build(data: Path, posts: int) -> Path:
    library = data / f"library-{posts}"
    if (library / "library.sqlite3").exists():
        return library
    corpus = data / f"corpus-{posts}"
    if not (corpus / "users.json").exists():
        print(f"generating {posts} posts…", flush=True)
        generate(corpus, posts)
    print("importing…", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "desktop", "--library", str(library), "import", str(corpus)], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"imported in {time.perf_counter() - started:.0f} s")
    return library


def index_bytes(path: Path) -> int:
    """The bytes the search index's tables take in the library file."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'posts_fts%'").fetchone()[0])
    finally:
        conn.close()


def measure(label: str, run, repeats: int = 20) -> None:
    run()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    print(f"{label:<48} median {statistics.median(times):6.1f} ms   max {max(times):6.1f} ms   ({result})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    args = parser.parse_args()
    path = build(args.data, args.posts)
    library = Library.open(path)
    print(f"library: {library.count_posts():,} posts, {(path / 'library.sqlite3').stat().st_size / 1e6:.0f} MB, "
          f"search index {index_bytes(path / 'library.sqlite3') / 1e6:.0f} MB")

    def page_and_count(flt: PostFilter):
        return lambda: f"{len(library.list_posts(flt, limit=100))} rows of {library.count_posts(flt)}"

    politics = tuple(t.id for t in library.find_terms("category", "Politics"))
    europe = tuple(t.id for t in library.find_terms("category", "Europe"))
    world = tuple(t.id for t in library.find_terms("category", "World"))
    month = (int(datetime(2020, 3, 1, tzinfo=UTC).timestamp()),
             int(datetime(2020, 4, 1, tzinfo=UTC).timestamp()))
    year = (int(datetime(2019, 1, 1, tzinfo=UTC).timestamp()),
            int(datetime(2020, 1, 1, tzinfo=UTC).timestamp()))
    measure("category Politics", page_and_count(PostFilter(term_ids=politics)))
    measure("category World (with subcategories)", page_and_count(PostFilter(term_ids=world)))
    measure("category Europe", page_and_count(PostFilter(term_ids=europe)))
    measure("date range: one month", page_and_count(PostFilter(since=month[0], until=month[1])))
    measure("date range: one year", page_and_count(PostFilter(since=year[0], until=year[1])))
    measure("category Politics in one year", page_and_count(PostFilter(term_ids=politics, since=year[0],
                                                                       until=year[1])))
    measure("search: zürich", page_and_count(PostFilter(search="zürich")))
    measure("search: prefix nato*", page_and_count(PostFilter(search="nato*")))
    measure('search: phrase "climate research"', page_and_count(PostFilter(search='"climate research"')))
    measure("search: ukraine embassy", page_and_count(PostFilter(search="ukraine embassy")))
    measure("search: the (in nearly every post)", page_and_count(PostFilter(search="the")))
    for word in ("players", "concert", "policy"):  # just under RANK_LIMIT matches, just over, half the posts
        flt = PostFilter(search=word)
        measure(f"search: {word} ({library.search_order(flt)})", page_and_count(flt))
    measure("search order for: the", lambda: library.search_order(PostFilter(search="the")))
    measure("search: the, rows 201-300", lambda: f"{len(library.list_posts(PostFilter(search='the'), offset=200))} rows")
    measure("search: the in category Politics", page_and_count(PostFilter(search="the", term_ids=politics)))
    library.close()


if __name__ == "__main__":
    main()
