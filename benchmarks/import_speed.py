"""Import speed against the floor, and peak memory for one big file.

    python benchmarks/import_speed.py [--posts 20000] [--data benchmarks/data]

1. Generates the corpus (20,000 posts of ~7 KB Gutenberg HTML in 200 page files of 100, a third with
   _embedded; once, cached under --data).
2. Times the floor (benchmarks/floor.py) and `article-browser import` on it, each in a fresh process and a
   fresh library, in the same run, and prints the ratio (the target is at most 1.5).
3. Writes the same posts as one JSON array and imports it in a fresh process, printing that process's peak
   RSS (the target is at most 400 MB).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402


def timed(command: list[str]) -> tuple[float, int]:
    """Wall time of a command in a fresh process, and the peak RSS (KiB) of all children so far."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--skip-big-file", action="store_true")
    args = parser.parse_args()
    corpus = args.data / f"corpus-{args.posts}"
    if not (corpus / "users.json").exists():
        generate(corpus, args.posts)
    files = sorted(corpus.glob("*.json"))
    size = sum(f.stat().st_size for f in files)
    print(f"corpus: {len(files)} files, {size / 1e6:.0f} MB, {args.posts} posts")

    work = Path(tempfile.mkdtemp(prefix="ab-bench-"))
    try:
        floor_time, _ = timed([sys.executable, str(HERE / "floor.py"), str(work / "floor.db"), str(corpus)])
        ours_time, _ = timed([sys.executable, "-m", "desktop", "--library", str(work / "lib"), "import", str(corpus)])
        print(f"floor:  {floor_time:6.2f} s  ({args.posts / floor_time:,.0f} posts/s)")
        print(f"import: {ours_time:6.2f} s  ({args.posts / ours_time:,.0f} posts/s)")
        print(f"ratio import/floor: {ours_time / floor_time:.2f}  (target <= 1.5)")
        again, _ = timed([sys.executable, "-m", "desktop", "--library", str(work / "lib"), "import", str(corpus)])
        print(f"re-import of the same files (all unchanged): {again:.2f} s")

        if not args.skip_big_file:
            big = work / "all-posts.json"
            generate(work, args.posts, single=big)
            big_time, peak = timed([sys.executable, "-m", "desktop", "--library", str(work / "big"), "import",
                                    str(big)])
            print(f"one file of {big.stat().st_size / 1e6:.0f} MB: {big_time:.2f} s, "
                  f"peak RSS {peak / 1024:.0f} MB  (target <= 400 MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
