"""Search: words from anywhere in CJK and Thai text, phrases and prefixes, and searches matching most posts."""

import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import queries, schema, searching
from desktop.core.importer import Summary, import_paths
from desktop.core.library import FILE_NAME, Library, PostFilter
from tests.conftest import post, write_json

TEXTS = {
    1: "<p>日本音楽学会でポスター発表選奨を受賞しました。</p>",
    2: "<p>新しいコーポレートサイトを公開しました。詳しくはこちら</p>",
    3: "<p>東京都庁に行った。</p>",
    4: "<p>A café in Zürich, and a naïve résumé.</p>",
    5: "<p>我们在北京大学学习中文。</p>",
    6: "<p>학교에서 공부했습니다</p>",
    7: "<p>ภาษาไทยเป็นภาษาที่สวยงาม</p>",
    8: "<p>ＡＢＣ株式会社のｶﾀｶﾅ表記、iPhone発売日</p>",
}


def load(library: Library, objects: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        events = list(import_paths(library, [write_json(Path(folder) / "posts.json", objects)]))
    assert isinstance(events[-1], Summary) and events[-1].ok


def found(library: Library, text: str, **kwargs) -> list[int]:
    return sorted(row.wp_id for row in library.list_posts(PostFilter(search=text), limit=1000, **kwargs))


@pytest.fixture
def library():
    with Library.in_memory() as library:
        load(library, [post(n, content={"rendered": html, "protected": False}, title={"rendered": f"Post {n}"})
                       for n, html in TEXTS.items()])
        yield library


@pytest.mark.parametrize(("query", "posts"), [
    ("受賞", [1]),  # a word in the middle of a sentence
    ("コーポレートサイト", [2]),
    ("コーポレート", [2]),
    ("サイト", [2]),
    ("都庁", [3]),
    ("京都", [3]),  # two words' edges: a substring is a substring
    ("庁", [3]),  # one character, at the end of a run
    ("東", [3]),  # ...and at its start
    ("しました", [1, 2]),
    ("受賞しました", [1]),
    ("賞受", []),  # the same characters in another order
    ("受賞 公開", []),  # both words, in no post together
    ("受賞 OR 公開", [1, 2]),
    ('"ポスター発表"', [1]),
    ('"発表 選奨"', []),  # a phrase of two words needs them apart, as in Latin text
    ("選奨*", [1]),
    ("受*", [1]),
    ("cafe", [4]),  # Latin text keeps its diacritic folding
    ("zurich", [4]),
    ("resume", [4]),
    ("北京大学", [5]),
    ("大学学习", [5]),
    ("中文", [5]),
    ("학교", [6]),
    ("공부", [6]),
    ("สวยงาม", [7]),
    ("เป็น", [7]),
    ("ภาษาไทย", [7]),
    ("abc", [8]),  # full-width Latin
    ("株式会社", [8]),
    ("カタカナ", [8]),  # half-width kana
    ("iPhone発売", [8]),
    ("発売日", [8]),
    ("iPhone発*", [8]),
    ("iphone", [8]),
])
def test_words_are_found_wherever_they_stand(library, query, posts):
    assert found(library, query) == posts
    assert library.count_posts(PostFilter(search=query)) == len(posts)


def test_cli_search_finds_a_word_inside_a_sentence(tmp_path):
    lib = tmp_path / "lib"
    with Library.open(lib) as library:
        load(library, [post(1, content={"rendered": TEXTS[1], "protected": False})])
    for query, hits in (("受賞", 1), ("賞受", 0)):
        done = subprocess.run([sys.executable, "-m", "desktop", "--library", str(lib), "search", query],
                              capture_output=True, text=True, timeout=60, check=True)
        assert done.stdout.count("Post number 1") == hits


ALPHABET = "東京都大学音楽受賞。 a"


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=30), min_size=1, max_size=8),
       query=st.text(alphabet=ALPHABET[:8], min_size=1, max_size=4))
def test_a_cjk_query_finds_exactly_the_posts_that_contain_it(texts, query):
    with Library.in_memory() as library:
        load(library, [post(n, title={"rendered": "-"}, excerpt={"rendered": ""},
                            content={"rendered": f"<p>{text}</p>", "protected": False})
                       for n, text in enumerate(texts, 1)])
        expected = [n for n, text in enumerate(texts, 1) if query in text]
        assert found(library, query) == expected


def test_an_older_library_is_indexed_again(tmp_path):
    """A library of schema 6 indexed CJK text as whole runs: opening it indexes words anywhere in them."""
    conn = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
    schema.attach_state(conn, tmp_path / schema.STATE_FILE_NAME)
    schema.migrate(conn, tmp_path, target=6)
    conn.execute("INSERT INTO sites (id, host) VALUES (1, 'example.jp')")
    conn.execute("INSERT INTO authors (site_id, wp_id, name, quality) VALUES (1, 5, '山田太郎', 1)")
    conn.execute("INSERT INTO terms (id, site_id, taxonomy, wp_id, name, quality) VALUES (1, 1, 'category', 3, "
                 "'音楽学専攻', 1)")
    for wp_id, title, html in ((7, "受賞のお知らせ", "<p>ポスター発表選奨を受賞しました。</p>"),
                               (8, "Café", "<p>A café in Zürich.</p>")):
        conn.execute("INSERT INTO posts (id, site_id, type, wp_id, title, excerpt, protected, richness, "
                     "imported_at, author_id) VALUES (?, 1, 'post', ?, ?, '', 0, 2, 0, 5)", (wp_id, wp_id, title))
        conn.execute("INSERT INTO post_content (post_id, html) VALUES (?, ?)", (wp_id, html))
        conn.execute("INSERT INTO posts_fts (rowid, title, body, excerpt, author, terms) VALUES (?, ?, ?, '', ?, ?)",
                     (wp_id, title, html, "山田太郎", "音楽学専攻" if wp_id == 7 else ""))
    conn.execute("INSERT INTO post_terms (post_id, term_id) VALUES (7, 1)")
    assert conn.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH '受賞'").fetchone()[0] == 0
    conn.close()
    with Library.open(tmp_path) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
        assert found(library, "発表選奨") == [7]  # content
        assert found(library, "お知らせ") == [7]  # title
        assert found(library, "太郎") == [7, 8]  # author
        assert found(library, "学専") == [7]  # term names
        assert found(library, "cafe zurich") == [8]


# -- searches matching most posts ---------------------------------------------------------------------------


@pytest.fixture
def common(monkeypatch):
    """A library of 60 posts where "common" is in every post but every fifth, and "rare" in 3; ranking
    stops above 10 matches."""
    monkeypatch.setattr(searching, "RANK_LIMIT", 10)
    with Library.in_memory() as library:
        load(library, [post(n, date_gmt=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00",
                            categories=[7] if n % 2 else [8],
                            content={"rendered": "<p>" + ("common " if n % 5 else "") + ("rare" if n < 4 else "")
                                     + " filler</p>", "protected": False}) for n in range(1, 61)])
        yield library


def ids(rows):
    return [row.id for row in rows]


def test_a_search_matching_more_than_the_rank_limit_is_listed_newest_first(common, monkeypatch):
    monkeypatch.setattr(searching, "WALK_LIMIT", 20)
    flt = PostFilter(search="common")
    assert common.search_order(flt) == "newest"
    assert common.search_order(PostFilter(search="rare")) == "relevance"
    assert common.search_order(flt, "title") == "title"
    newest = ids(common.list_posts(flt, limit=100, order="newest"))
    assert len(newest) == common.count_posts(flt) == 48
    dates = [common.post(i).date_utc for i in newest]
    assert dates == sorted(dates, reverse=True)
    assert ids(common.list_posts(flt, limit=100)) == newest
    for limit, offset in ((5, 0), (7, 3), (10, 40), (10, 45)):  # pages walked in date order, then joined
        assert ids(common.list_posts(flt, limit=limit, offset=offset)) == newest[offset:offset + limit]


@pytest.mark.parametrize("factor", [1, 4])  # the walk falls short (every match joined instead), or reaches
def test_a_common_search_within_a_filter_pages_like_the_filter(common, monkeypatch, factor):
    monkeypatch.setattr(searching, "WALK_FACTOR", factor)
    everything = ids(common.list_posts(PostFilter(search="common"), limit=100, order="newest"))
    since = common.post(everything[30]).date_utc
    flt = PostFilter(search="common", since=since)
    expected = ids(common.list_posts(flt, limit=100, order="newest"))
    assert expected == everything[:31]
    for limit, offset in ((5, 0), (5, 10), (10, 25)):
        assert ids(common.list_posts(flt, limit=limit, offset=offset)) == expected[offset:offset + limit]


def test_a_full_width_query_finds_latin_text(common):
    assert common.count_posts(PostFilter(search="ｃｏｍｍｏｎ")) == 48


@pytest.mark.parametrize("large_term", [5, 2_000])  # the category counts as large, or as small
def test_counting_a_search_within_a_category(common, monkeypatch, large_term):
    monkeypatch.setattr(queries, "LARGE_TERM", large_term)
    (odd,) = [t.id for t in common.terms("category") if t.wp_id == 7]
    for word, expected in (("common", 24), ("rare", 2)):  # odd n up to 60 but every fifth; n = 1 and 3
        flt = PostFilter(search=word, term_ids=(odd,))
        assert common.count_posts(flt) == len(common.list_posts(flt, limit=100)) == expected


def test_a_common_word_only_in_the_oldest_posts_is_still_listed_newest_first(monkeypatch):
    """The walk through the newest posts finds too few: every match is joined to its date instead."""
    monkeypatch.setattr(searching, "RANK_LIMIT", 10)
    with Library.in_memory() as library:
        load(library, [post(n, date_gmt=f"2024-01-01T00:{n:02d}:00",
                            content={"rendered": "<p>old</p>" if n <= 16 else "<p>new</p>", "protected": False})
                       for n in range(1, 61)])
        flt = PostFilter(search="old")
        assert library.search_order(flt) == "newest"
        assert [row.wp_id for row in library.list_posts(flt, limit=5)] == [16, 15, 14, 13, 12]
        assert [row.wp_id for row in library.list_posts(flt, limit=5, offset=10)] == [6, 5, 4, 3, 2]


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
       | st.text(alphabet='"*東京ー ANDORNOT 。aé\u0e34ｶ', max_size=20))
def test_any_typed_text_searches_without_error(text):
    with Library.in_memory() as library:
        load(library, [post(1, content={"rendered": TEXTS[1], "protected": False})])
        flt = PostFilter(search=text)
        assert library.search_order(flt) in ("relevance", "newest")
        assert len(library.list_posts(flt)) == library.count_posts(flt) <= 1
