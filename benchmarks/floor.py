"""The least work an importer can do, as the baseline the real importer is measured against.

stdlib json, one regex tag strip, one INSERT per post plus an FTS5 index, one transaction.

    python benchmarks/floor.py DB FILE_OR_DIR...
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import time
from pathlib import Path

TAG = re.compile(r"<[^>]*>")


def floor_import(db: Path, files: list[Path]) -> int:
    """Import every post of ``files`` into a fresh database at ``db``; returns the number of posts."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, wp_id INTEGER, title TEXT, content TEXT)")
    conn.execute("CREATE VIRTUAL TABLE posts_fts USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2')")
    conn.execute("BEGIN")
    count = 0
    for path in files:
        data = json.loads(path.read_bytes())
        for post in data if isinstance(data, list) else [data]:
            if not isinstance(post, dict) or "content" not in post:
                continue
            title = post["title"]["rendered"]
            text = TAG.sub(" ", post["content"]["rendered"])
            rowid = conn.execute("INSERT INTO posts (wp_id, title, content) VALUES (?, ?, ?)",
                                 (post["id"], title, post["content"]["rendered"])).lastrowid
            conn.execute("INSERT INTO posts_fts (rowid, title, body) VALUES (?, ?, ?)", (rowid, title, text))
            count += 1
    conn.execute("COMMIT")
    conn.close()
    return count


def json_files(paths: list[Path]) -> list[Path]:
    """Files as given, and the .json files under folders, sorted."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.json")) if path.is_dir() else [path])
    return files


if __name__ == "__main__":
    started = time.perf_counter()
    posts = floor_import(Path(sys.argv[1]), json_files([Path(p) for p in sys.argv[2:]]))
    print(f"{posts} posts in {time.perf_counter() - started:.2f} s")
