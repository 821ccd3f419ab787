"""kill -9 imports at random moments; after each kill the library must pass integrity_check and hold every file
whole or not at all.

    python benchmarks/killtest.py --kills 50 --files 12 --posts 400

Each generated file holds the posts of its own site (``f<n>.example``), so a site's post count tells whether
its file was imported whole (``--posts``) or not at all (0). Each round imports the same folder again into
the same library, so kills land in first imports, re-imports (updates) and between files.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_files(folder: Path, files: int, posts: int, version: int = 0) -> None:
    """``files`` JSON files of ``posts`` posts each, one site per file; ``version`` changes every post."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        items = [{
            "id": i, "type": "post", "link": f"https://f{n}.example/p{i}/",
            "date": "2024-03-01T10:00:00", "date_gmt": "2024-03-01T09:00:00",
            "modified_gmt": f"2024-03-{1 + version % 27:02d}T09:00:00",
            "title": {"rendered": f"File {n} post {i} v{version}"},
            "content": {"rendered": "<p>" + " ".join(f"word{(i * 7 + k) % 997}" for k in range(300)) + "</p>"},
            "categories": [1 + i % 5], "tags": [100 + i % 7],
        } for i in range(1, posts + 1)]
        (folder / f"file-{n:03d}.json").write_text(json.dumps(items), encoding="utf-8")


def check(library: Path, files: int, posts: int) -> list[str]:
    """What is wrong with the library after a kill: integrity problems, or a file imported in part."""
    db = library / "library.sqlite3"
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        counts = dict(conn.execute("SELECT s.host, count(p.id) FROM sites s LEFT JOIN posts p ON p.site_id = s.id "
                                   "GROUP BY s.id").fetchall())
    except sqlite3.Error as error:
        return [f"cannot read the library: {error}"]
    finally:
        conn.close()
    problems += [f"{host} holds {count} of {posts} posts" for host, count in counts.items()
                 if count not in (0, posts)]
    return problems


def whole_files(library: Path, posts: int, version: int) -> int:
    """How many files of ``version`` are in the library (where the kill landed)."""
    db = library / "library.sqlite3"
    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM (SELECT site_id FROM posts WHERE title LIKE ? GROUP BY site_id "
                                "HAVING count(*) = ?)", (f"% v{version}", posts)).fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def kill_once(library: Path, folder: Path, delay: float) -> bool:
    """Start an import, kill -9 it after ``delay`` seconds; True when it was still running."""
    process = subprocess.Popen([sys.executable, "-m", "desktop", "import", "--library", str(library), str(folder)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    alive = process.poll() is None
    if alive:
        process.send_signal(signal.SIGKILL)
    process.wait()
    return alive


def run(kills: int, files: int, posts: int, seed: int, max_delay: float, work: Path) -> list[str]:
    """Kill ``kills`` imports; returns every problem found (an empty list when all were consistent)."""
    rng = random.Random(seed)
    library, folder = work / "library", work / "in"
    make_files(folder, files, posts)
    problems: list[str] = []
    version = 0
    for round_ in range(kills):
        if round_ % 3 == 2:
            version = round_
            make_files(folder, files, posts, version)  # the next import updates every post
        delay = rng.uniform(0.3, max_delay)
        killed = kill_once(library, folder, delay)
        found = check(library, files, posts)
        problems += [f"kill {round_ + 1} after {delay:.2f}s: {p}" for p in found]
        print(f"kill {round_ + 1}: after {delay:.2f}s{'' if killed else ' (had finished)'}, "
              f"{whole_files(library, posts, version)} of {files} files of version {version} in: "
              f"{'consistent' if not found else '; '.join(found)}", flush=True)
    return problems


def main() -> int:
    """Run the kill test and print one line per kill."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--files", type=int, default=12)
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=4.0, help="latest kill, in seconds after the start")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        problems = run(args.kills, args.files, args.posts, args.seed, args.max_delay, Path(work))
    print(f"{args.kills} kills, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
