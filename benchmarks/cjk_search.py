"""CJK search: index size and query speed of the two ways to find words inside Japanese and Chinese text.

    python benchmarks/cjk_search.py [--posts 20000] [--data /tmp/cjk-bench]

Generates --posts posts of Japanese-like text (kanji compounds, katakana loanwords, hiragana particles, a
Zipfian word distribution, about 1,500 characters each; a fifth of them Chinese-like, with no kana) and
indexes them three ways in plain SQLite files:

- ``unicode61``: what the library did before (a sentence is one token: words inside it are never found);
- ``bigram``: the same tokenizer given ``fts_text.for_index`` text (CJK runs as overlapping pairs), which the
  library uses now; queries go through ``fts_query``;
- ``trigram``: the unicode61 table plus a second FTS5 table with the trigram tokenizer over the CJK runs only.
  Trigrams need three characters: one- and two-character words (most kanji words) fall back to reading
  every row of that table (SQLite 3.40's trigram ``LIKE`` finds nothing under three characters).

Prints build time and file size of each, then per query the match count and median time (5 runs after one
warm-up) of counting the matches plus fetching the 100 best (bm25). Then the same posts are imported into a
library (as REST JSON, by the CLI) and each query is timed through ``Library`` as the window asks it: the first
page of 100 rows and the count (a search matching more than ``searching.RANK_LIMIT`` posts is listed newest first).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from desktop.core.fts_text import for_index  # noqa: E402
from desktop.core.library import Library, PostFilter  # noqa: E402
from desktop.core.queries import fts_query  # noqa: E402

KANJI = ("日本東京大学研究音楽文化社会経済政治国際会議発表受賞作品演奏作曲教授学生授業講義歴史理論"
         "芸術美術映画写真情報技術開発企業市場株式会社製品販売価格消費環境問題地域住民生活健康病院医療"
         "教育子供家族仕事時間世界中心自然科学実験結果分析報告書記事新聞番組放送公開予定開始終了年月週"
         "京都府市町村駅前公園図書館博物館展示会場参加募集応募選考審査委員長副部課係員名簿資料")
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワンガギグゲゴパピプペポー"
PARTICLES = ["は", "が", "を", "に", "の", "で", "と", "も", "から", "まで", "について", "として"]
ENDINGS = ["しました。", "です。", "でした。", "します。", "されました。", "があります。", "を行いました。"]
CHINESE_PARTICLES = ["的", "了", "在", "是", "和", "与", "对", "把", "被"]


def vocabulary(rng: random.Random, size: int = 8000) -> tuple[list[str], list[float]]:
    """Made-up words with Zipfian frequencies: kanji compounds of 2–4 characters, katakana words of 3–7."""
    words: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < size:
        if rng.random() < 0.8:
            word = "".join(rng.choices(KANJI, k=rng.choice((2, 2, 2, 3, 4))))
        else:
            word = "".join(rng.choices(KANA, k=rng.randint(3, 7)))
        if word not in words:
            words.add(word)
            ordered.append(word)
    total, cumulative = 0.0, []
    for rank in range(1, size + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return ordered, cumulative


def generate(posts: int, seed: int = 11) -> tuple[list[tuple[str, str]], list[str]]:
    """(title, body) pairs of generated posts, and the vocabulary (most frequent first)."""
    rng = random.Random(seed)
    words, cumulative = vocabulary(rng)
    result = []
    for index in range(posts):
        chinese = index % 5 == 4
        sentences = []
        length = 0
        while length < 1500:
            parts = []
            for word in rng.choices(words, cum_weights=cumulative, k=rng.randint(3, 8)):
                parts.append(word + rng.choice(CHINESE_PARTICLES if chinese else PARTICLES))
            sentence = "".join(parts) + ("。" if chinese else rng.choice(ENDINGS))
            sentences.append(sentence)
            length += len(sentence)
        title = "".join(rng.choices(words, cum_weights=cumulative, k=3))
        result.append((title, "".join(sentences)))
    return result, words


def build(path: Path, kind: str, posts: list[tuple[str, str]]) -> float:
    """Index the posts one of the three ways; returns the seconds it took."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("CREATE VIRTUAL TABLE posts_fts USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2')")
    if kind == "trigram":
        conn.execute("CREATE VIRTUAL TABLE posts_cjk USING fts5 (text, tokenize = 'trigram')")
    for rowid, (title, body) in enumerate(posts, 1):
        if kind == "bigram":
            title, body = for_index(title), for_index(body)
        conn.execute("INSERT INTO posts_fts (rowid, title, body) VALUES (?, ?, ?)", (rowid, title, body))
        if kind == "trigram":
            conn.execute("INSERT INTO posts_cjk (rowid, text) VALUES (?, ?)", (rowid, title + "\n" + body))
    conn.execute("COMMIT")
    conn.execute("INSERT INTO posts_fts (posts_fts) VALUES ('optimize')")
    if kind == "trigram":
        conn.execute("INSERT INTO posts_cjk (posts_cjk) VALUES ('optimize')")
    conn.execute("VACUUM")
    conn.close()
    return time.perf_counter() - started


def search(conn: sqlite3.Connection, kind: str, text: str) -> int:
    """Count the matches and fetch the 100 best, as a search in the window does; returns the count."""
    if kind == "trigram":
        if len(text) >= 3:
            where, value, rank = "posts_cjk MATCH ?", '"' + text + '"', "rank"
        else:  # SQLite 3.40's trigram LIKE finds nothing under 3 characters: read every row
            where, value, rank = "instr(text, ?) > 0", text, "rowid DESC"
        count = conn.execute(f"SELECT count(*) FROM posts_cjk WHERE {where}", (value,)).fetchone()[0]
        conn.execute(f"SELECT rowid FROM posts_cjk WHERE {where} ORDER BY {rank} LIMIT 100", (value,)).fetchall()
        return int(count)
    query = fts_query(text) if kind == "bigram" else '"' + text + '"'
    count = conn.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?", (query,)).fetchone()[0]
    conn.execute("SELECT rowid FROM posts_fts WHERE posts_fts MATCH ? ORDER BY bm25(posts_fts) LIMIT 100",
                 (query,)).fetchall()
    return int(count)


def timed(conn: sqlite3.Connection, kind: str, text: str) -> tuple[float, int]:
    count = search(conn, kind, text)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        search(conn, kind, text)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), count


def library_of(data: Path, posts: list[tuple[str, str]]) -> Library:
    """The posts imported into a library under ``data`` (REST JSON pages of 100, imported by the CLI)."""
    library = data / "library"
    if not (library / "library.sqlite3").exists():
        corpus = data / "corpus"
        corpus.mkdir(exist_ok=True)
        for start in range(0, len(posts), 100):
            page = [{"id": n, "date_gmt": f"20{10 + n % 15}-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00",
                     "modified_gmt": "2025-01-01T00:00:00", "type": "post", "status": "publish",
                     "link": f"https://example.jp/?p={n}", "title": {"rendered": title},
                     "content": {"rendered": f"<p>{body}</p>", "protected": False}, "excerpt": {"rendered": ""}}
                    for n, (title, body) in enumerate(posts[start:start + 100], start + 1)]
            (corpus / f"posts-{start // 100:04d}.json").write_text(json.dumps(page, ensure_ascii=False), "utf-8")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "desktop", "--library", str(library), "import", str(corpus)],
                       check=True, stdout=subprocess.DEVNULL)
        print(f"library: imported in {time.perf_counter() - started:.0f} s")
    return Library.open(library)


def app_timed(library: Library, text: str) -> tuple[float, int, str]:
    flt = PostFilter(search=text)
    times = []
    for _ in range(6):
        started = time.perf_counter()
        library.list_posts(flt, limit=100)
        count = library.count_posts(flt)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:]), count, library.search_order(flt)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/cjk-bench"))
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    posts, words = generate(args.posts)
    characters = sum(len(t) + len(b) for t, b in posts)
    print(f"{args.posts:,} generated posts, {characters / 1e6:.1f} M characters")
    kinds = ("unicode61", "bigram", "trigram")
    for kind in kinds:
        seconds = build(args.data / f"{kind}.sqlite3", kind, posts)
        size = (args.data / f"{kind}.sqlite3").stat().st_size
        print(f"{kind:<10} built in {seconds:5.1f} s, {size / 1e6:6.1f} MB")
    kanji2 = [w for w in words if len(w) == 2]
    kanji3 = [w for w in words if len(w) == 3 and w[0] in KANJI]
    kanji4 = [w for w in words if len(w) == 4 and w[0] in KANJI]
    katakana = [w for w in words if len(w) >= 5 and w[0] in KANA]
    queries = [("2 chars, common", kanji2[0]), ("2 chars, rare", kanji2[-1]), ("3 chars", kanji3[5]),
               ("4 chars", kanji4[3]), ("katakana word", katakana[2]), ("1 char", KANJI[7]),
               ("2 chars across words", kanji2[1][1] + PARTICLES[0]), ("phrase of two words", kanji3[0] + PARTICLES[2] +
                                                                        kanji2[4])]
    conns = {kind: sqlite3.connect(args.data / f"{kind}.sqlite3") for kind in kinds}
    print(f"{'query':<28}" + "".join(f"{kind:>24}" for kind in kinds))
    for label, text in queries:
        cells = []
        for kind in kinds:
            ms, count = timed(conns[kind], kind, text)
            cells.append(f"{ms:8.1f} ms {count:>7} hits")
        print(f"{label + ' ' + text:<28}" + "".join(f"{c:>24}" for c in cells))
    library = library_of(args.data, posts)
    print(f"{'query, through Library':<28}{'page + count':>24}  order")
    for label, text in queries:
        ms, count, order = app_timed(library, text)
        print(f"{label + ' ' + text:<28}{f'{ms:8.1f} ms {count:>7} hits':>24}  {order}")
    library.close()


if __name__ == "__main__":
    main()
