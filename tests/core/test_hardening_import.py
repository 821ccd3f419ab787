"""Hostile and extreme input: every file gets a line, failures change nothing, the summary is what was stored."""

import json
import os
import random
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.dates import DATE_MAX, DATE_MIN
from desktop.core.formats.jsonstream import read_json
from desktop.core.importer import Summary, import_paths
from desktop.core.library import Library, PostFilter
from desktop.core.navigation import navigation
from tests.conftest import post, write_json

BIG = 2**63


def run_import(library: Library, *paths: Path) -> Summary:
    *_, summary = import_paths(library, list(paths))
    assert isinstance(summary, Summary)
    return summary


def dump(path: Path) -> list:
    """Every row of every table of a library file (through a connection of its own)."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'posts_fts_%' ORDER BY name")]
        return [(name, sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"')))) for name in names]
    finally:
        conn.close()


def stored_posts(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM posts").fetchone()[0])
    finally:
        conn.close()


def raw_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def with_field(obj: dict, field: str, literal: str) -> str:
    """``obj`` as JSON text with ``field`` set to a JSON literal written verbatim (a lone escape, a huge number)."""
    text = json.dumps({k: v for k, v in obj.items() if k != field})
    return text[:-1] + f', "{field}": {literal}}}'


EXTREMES = {
    "id-2-63": lambda i: with_field(post(i), "id", str(BIG)),
    "id-string-2-64": lambda i: json.dumps(post(i, id=str(2**64))),
    "id-arabic-digits": lambda i: json.dumps(post(i, id="١٢")),
    "author-2-64": lambda i: json.dumps(post(i, author=2**64)),
    "author-string-2-64": lambda i: json.dumps(post(i, author=str(2**64))),
    "category-2-70": lambda i: json.dumps(post(i, categories=[2**70, 3])),
    "class-list-huge": lambda i: json.dumps(post(i, class_list=["category-" + "9" * 30])),
    "featured-huge": lambda i: json.dumps(post(i, featured_media=-(2**70))),
    "embedded-media-size": lambda i: json.dumps(post(i, featured_media=5, _embedded={"wp:featuredmedia": [
        {"id": 5, "source_url": "https://example.com/a.jpg", "media_details": {"width": 2**65, "height": "9" * 40}}]})),
    "lone-surrogate-slug": lambda i: with_field(post(i), "slug", '"\\ud800"'),
    "lone-surrogate-title": lambda i: with_field(post(i), "title", '{"rendered": "a\\udc00b"}'),
    "lone-surrogate-link": lambda i: with_field(post(i), "link", '"https://ex\\udfffample.com/x"'),
    "date-year-1-plus-14": lambda i: json.dumps(post(i, date="0001-01-01T00:00:00",
                                                     date_gmt="0001-01-01T00:00:00+14:00")),
    "date-year-9999": lambda i: json.dumps(post(i, date="9999-12-31T23:59:59", date_gmt="9999-12-31T23:59:59")),
    "date-local-only-year-1": lambda i: json.dumps(post(i, date="0001-01-01T00:00:00", date_gmt=None)),
    "offset-of-centuries": lambda i: json.dumps(post(i, date="9999-01-01T00:00:00", date_gmt="0001-01-01T00:00:00")),
    "number-5000-digits": lambda i: with_field(post(i), "x", "9" * 5000),
}


def test_extreme_values_never_stop_an_import(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n, (name, make) in enumerate(EXTREMES.items(), start=1):
        raw_file(folder / f"{name}.json", "[" + make(n) + "]")
    odd_name = os.fsdecode(b"not-utf8-\xff\xfe.json")
    write_json(folder / odd_name, [post(500)])
    os.mkfifo(folder / "a-fifo.json")
    write_json(folder / "zz-good.json", [post(1000), post(1001)])
    with Library.open(tmp_path / "lib") as library:
        summary = run_import(library, folder)
        lines = {r.path.name: r for r in summary.files}
        assert set(lines) == {p.name for p in folder.iterdir()}  # every file, FIFO included, has its line
        assert lines["a-fifo.json"].status == "failed" and "not a regular file" in lines["a-fifo.json"].reason()
        assert lines["number-5000-digits.json"].status == "failed"
        assert "4,300 digits" in lines["number-5000-digits.json"].reason()
        for name in ("id-2-63", "id-string-2-64", "id-arabic-digits"):
            assert lines[f"{name}.json"].status == "skipped", lines[f"{name}.json"].reason()
        assert lines["zz-good.json"].new == 2 and lines[odd_name].new == 1
        assert summary.totals()["new"] == stored_posts(tmp_path / "lib" / "library.sqlite3")
        titles = {r.title for r in library.list_posts(limit=100)}
        assert "a\ufffdb" in titles
        dates = [r.date_utc for r in library.list_posts(limit=100) if r.date_utc is not None]
        assert all(DATE_MIN <= d <= DATE_MAX for d in dates)
        years = {n.label for node in navigation(library) if node.key == "dates" for n in node.children}
        assert {"1", "9999", "2024"} <= years


@contextmanager
def time_zone(name: str):
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_posts_of_year_1_and_9999_keep_the_sidebar(tmp_path, zone):
    with time_zone(zone), Library.in_memory() as library:
        run_import(library, write_json(tmp_path / "ends.json", [
            post(1, date="9999-12-31T23:59:59", date_gmt="9999-12-31T23:59:59"),
            post(2, date="0001-01-01T00:00:00", date_gmt="0001-01-01T00:00:00"),
            post(3)]))
        dates = next(node for node in navigation(library) if node.key == "dates")
        assert [n.label for n in dates.children] == ["9999", "2024", "1"]
        for year in dates.children:
            assert library.count_posts(year.filter) == year.count == 1
            for month in year.children:
                assert library.count_posts(month.filter) == month.count


JSON_LEAF = (st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.floats()
             | st.text(st.characters(categories=["Cs", "Cc", "L", "N", "P", "Zs"]), max_size=20))
JSON = st.recursive(JSON_LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                          max_size=4), max_leaves=12)
EXTREME_INT = st.integers(min_value=-(2**70), max_value=2**70) | st.sampled_from([BIG - 1, BIG, -BIG - 1, 0, -1])
DATE_TEXT = st.builds(lambda d, off: d.isoformat() + off,
                      st.datetimes(), st.sampled_from(["", "Z", "+14:00", "-12:00", "+23:59"])) | st.text(max_size=25)
ID = EXTREME_INT | EXTREME_INT.map(str) | st.text(st.characters(categories=["Nd"]), min_size=1, max_size=4)
POSTS = st.fixed_dictionaries({
    "id": ID, "date": DATE_TEXT, "date_gmt": DATE_TEXT | st.none(), "modified": DATE_TEXT,
    "title": st.fixed_dictionaries({"rendered": JSON_LEAF}), "content": st.fixed_dictionaries({"rendered": JSON_LEAF}),
    "link": st.sampled_from(["https://a.example/p/", "https://b.example/q/"]) | st.text(max_size=10),
    "author": ID | JSON, "categories": st.lists(ID | JSON_LEAF, max_size=3), "tags": st.lists(ID, max_size=3),
    "featured_media": ID, "class_list": st.lists(st.text(max_size=12).map(lambda s: "category-" + s), max_size=3),
}, optional={"type": st.sampled_from(["post", "page", "attachment", "x"]), "slug": JSON_LEAF,
             "_embedded": JSON, "taxonomy": JSON_LEAF, "name": JSON_LEAF, "extra": JSON})


def _encoded(value) -> str:
    try:
        return json.dumps(value)  # lone surrogates become \ud800 escapes, as in a file from anywhere
    except ValueError:  # NaN and infinities are fine JSON for Python, and for this test
        return json.dumps(value, allow_nan=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(files=st.lists(st.lists(POSTS | JSON, max_size=4) | POSTS, min_size=1, max_size=3))
def test_any_json_imports_or_fails_cleanly(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("fuzz")
    paths = [raw_file(folder / f"f{n}.json", _encoded(value)) for n, value in enumerate(files)]
    library_path = folder / "lib"
    with Library.open(library_path) as library:
        before = dump(library_path / "library.sqlite3")
        summary = run_import(library, *paths)
        assert sorted(r.path for r in summary.files) == sorted(paths)
        assert summary.totals()["new"] == stored_posts(library_path / "library.sqlite3")
        if all(r.status == "failed" for r in summary.files):
            assert dump(library_path / "library.sqlite3") == before
        navigation(library)  # whatever was stored, the sidebar can be built
        for row in library.list_posts(PostFilter(), limit=20):
            assert row.date_utc is None or DATE_MIN <= row.date_utc <= DATE_MAX


def _mutations(text: str, rng: random.Random) -> list[tuple[str, str]]:
    cut = rng.randrange(1, max(2, len(text)))
    number = next((m for m in range(len(text)) if text[m].isdigit()), None)
    quote = text.find('"', rng.randrange(len(text)))
    result = [("truncated", text[:cut]), ("byte-garbled", text[:cut] + "\x00\x1b[" + text[cut + 3:]),
              ("doubled", text + text[: len(text) // 2])]
    if number is not None:
        result.append(("huge-number", text[:number] + str(2**64) + text[number:]))
        result.append(("5000-digits", text[:number] + "9" * 5000 + text[number:]))
    if quote > 0:
        result.append(("lone-surrogate", text[: quote + 1] + "\\ud800" + text[quote + 1:]))
    return result


def test_mutated_corpus_files_fail_alone_and_change_nothing(corpus, tmp_path):
    rng = random.Random(13)
    sources = sorted(p for p in corpus.rglob("*.json") if p.stat().st_size < 150_000)
    chosen = rng.sample(sources, min(12, len(sources)))
    library_path = tmp_path / "lib"
    db = library_path / "library.sqlite3"
    with Library.open(library_path) as library:
        run_import(library, *chosen[:3])  # something to protect
        for source in chosen:
            text = source.read_text(encoding="utf-8", errors="replace")
            for kind, mutated in _mutations(text, rng):
                path = raw_file(tmp_path / f"{source.stem}-{kind}.json", mutated)
                before, posts_before = dump(db), stored_posts(db)
                (result,) = run_import(library, path).files
                assert result.reason()
                if result.status == "failed":
                    assert dump(db) == before, (source, kind, result.reason())
                else:
                    assert stored_posts(db) - posts_before == result.new, (source, kind)
                path.unlink()


def test_leading_white_space_is_read_in_linear_time(tmp_path):
    path = tmp_path / "spaces.json"
    with path.open("w") as handle:
        handle.write(" \n" * (8 << 20))  # 16 MB read 4 KB at a time: 4 s when the buffer was copied each time
        handle.write('[{"id": 1, "title": "t", "content": "c"}]')
    start = time.perf_counter()
    items = list(read_json(path, chunk_size=4096).items)
    assert len(items) == 1 and time.perf_counter() - start < 1.0


def test_a_file_that_fails_half_way_counts_for_nothing(tmp_path):
    good = json.dumps([post(i) for i in range(1, 301)])
    broken = raw_file(tmp_path / "broken.json", good[:-1] + ', {"id": 9999, "title": ]')
    with Library.open(tmp_path / "lib") as library:
        before = dump(tmp_path / "lib" / "library.sqlite3")
        summary = run_import(library, broken)
        assert summary.files[0].status == "failed" and summary.totals()["new"] == 0
        assert summary.headline() == "Imported 1 file: no posts (1 failed)"
        assert dump(tmp_path / "lib" / "library.sqlite3") == before
