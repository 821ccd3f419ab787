import json
import os
import threading
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core import parsing
from desktop.core.importer import Progress, import_paths
from desktop.core.library import Library, PostFilter
from tests.conftest import post, write_json


def run_import(library, *paths, cancel=None):
    events = list(import_paths(library, list(paths), cancel))
    assert all(isinstance(e, Progress) for e in events[:-1])
    return events[-1]


def snapshot(library):
    return [(r.site, r.type, r.wp_id, r.title, r.categories, r.author) for r in library.list_posts(limit=1000)]


@pytest.fixture
def library():
    with Library.in_memory() as lib:
        yield lib


def test_seed_imports_with_its_category(library, seed):
    summary = run_import(library, seed)
    assert summary.ok and summary.files[0].describe() == "post-924.json: 1 new"
    (row,) = library.list_posts(PostFilter(term_ids=tuple(t.id for t in library.find_terms("category", "politics"))))
    assert (row.title, row.site, row.categories) == ("Russia suspends its mission at NATO, shuts alliance’s office",
                                                    "www.viewworld.org", ("Politics",))


def test_reimport_changes_nothing(library, tmp_path, seed):
    page = write_json(tmp_path / "page.json", [post(i, categories=[2]) for i in range(1, 6)])
    run_import(library, page, seed)
    before = snapshot(library)
    summary = run_import(library, page, seed)
    assert summary.totals()["unchanged"] == 6 and summary.totals()["new"] == 0
    assert snapshot(library) == before and library.count_posts() == 6


def test_newer_updates_and_older_is_ignored(library, tmp_path):
    run_import(library, write_json(tmp_path / "v2.json", post(1, modified_gmt="2024-06-01T00:00:00",
                                                             title={"rendered": "Second"})))
    older = run_import(library, write_json(tmp_path / "v1.json", post(1, title={"rendered": "First"})))
    assert older.files[0].older == 1
    assert [r.title for r in library.list_posts()] == ["Second"]


def test_raw_json_is_kept_byte_exact(library, tmp_path):
    text = '[{"id": 1, "title": {"rendered": "A\\u00e9 &amp;"}, "content": {"rendered": "x"},  "z": 1.50}]'
    path = tmp_path / "exact.json"
    path.write_text(text, encoding="utf-8")
    run_import(library, path)
    (row,) = library.list_posts()
    assert library.raw_json(row.id) == text[1:-1]


def test_a_file_failing_half_way_leaves_nothing_and_others_import(library, tmp_path):
    good = write_json(tmp_path / "a-good.json", [post(1)])
    items = ",".join(json.dumps(post(i)) for i in range(10, 20))
    bad = tmp_path / "b-bad.json"
    bad.write_text("[" + items + ", {\"id\": 99 \"title\": 1}]", encoding="utf-8")
    summary = run_import(library, good, bad)
    assert not summary.ok
    (failed,) = summary.failed
    assert failed.describe().startswith("b-bad.json: invalid JSON at line 1, column ")
    assert failed.describe().endswith(": expected ','")
    assert [r.wp_id for r in library.list_posts()] == [1]


def test_term_and_user_lists_name_posts_imported_before_them(library, tmp_path):
    run_import(library, write_json(tmp_path / "posts.json", [
        post(1, categories=[8], class_list=["category-politics"], author=3),
        post(2, categories=[8, 9], author=3)]))
    # both posts share term 8, which post 1's class_list names
    assert {r.wp_id: r.categories for r in library.list_posts()} == {1: ("Politics",), 2: ("Politics",)}
    summary = run_import(library, write_json(tmp_path / "cats.json", [
        {"id": 8, "name": "World Politics", "slug": "politics", "taxonomy": "category", "parent": 0,
         "link": "https://example.com/category/politics/"},
        {"id": 9, "name": "Europe", "slug": "europe", "taxonomy": "category", "parent": 8,
         "link": "https://example.com/category/politics/europe/"}]),
        write_json(tmp_path / "users.json", [{"id": 3, "name": "Ann Writer", "slug": "ann",
                                              "link": "https://example.com/author/ann/"}]))
    lines = sorted(f.describe() for f in summary.files)
    assert lines == ["cats.json: 2 categories (names applied to 2 posts)",
                     "users.json: 1 author (names applied to 2 posts)"]
    rows = {r.wp_id: r for r in library.list_posts()}
    assert rows[1].categories == ("World Politics",) and rows[2].categories == ("Europe", "World Politics")
    assert rows[1].author == "Ann Writer"
    assert {r.wp_id for r in library.list_posts(PostFilter(search="ann"))} == {1, 2}
    assert {r.wp_id for r in library.list_posts(PostFilter(search='"world politics"'))} == {1, 2}
    # a category filter includes subcategories
    assert len(library.find_terms("category", "World Politics")) == 2


def test_guessed_slug_term_merges_with_its_id_later(library, tmp_path):
    run_import(library, write_json(tmp_path / "p.json", [post(1, categories=[4, 5], class_list=["category-news"])]))
    run_import(library, write_json(tmp_path / "c.json", [
        {"id": 5, "name": "Daily News", "slug": "news", "taxonomy": "category", "link": "https://example.com/c/"}]))
    assert library.list_posts()[0].categories == ("Daily News",)
    names = [t.name for t in library.terms("category")]
    assert names.count("Daily News") == 1


def test_local_dates_use_the_offset_learned_from_other_posts(library, tmp_path):
    run_import(library, write_json(tmp_path / "a.json", [post(1, date="2024-01-01T12:00:00", date_gmt=None)]))
    (row,) = library.list_posts()
    assert row.date_is_local
    run_import(library, write_json(tmp_path / "b.json", [post(2)]))  # 10:00 local = 09:00 UTC: +1 h
    rows = {r.wp_id: r for r in library.list_posts()}
    assert not rows[1].date_is_local
    assert rows[1].date_utc == int(datetime(2024, 1, 1, 11, 0, tzinfo=UTC).timestamp())


def test_folders_are_searched_for_json_and_bad_input_is_reported(library, tmp_path):
    folder = tmp_path / "export"
    (folder / "sub").mkdir(parents=True)
    write_json(folder / "sub" / "one.json", [post(1)])
    write_json(folder / "two.JSON", post(2))
    (folder / "readme.txt").write_text("not json")
    (folder / "notes.json").write_text('{"hello": "world"}')
    (folder / "utf16.json").write_bytes(json.dumps([post(3)]).encode("utf-16"))
    summary = run_import(library, folder, tmp_path / "missing.json")
    reasons = {f.path.name: f.reason() for f in summary.files}
    assert reasons["notes.json"] == "not WordPress content (an object without id, title and content)"
    assert reasons["utf16.json"] == "the file is UTF-16 text; only UTF-8 is supported"
    assert reasons["missing.json"] == "no such file or folder"
    assert "readme.txt" not in reasons
    assert library.count_posts() == 2


def test_cancel_stops_between_files(library, tmp_path):
    files = [write_json(tmp_path / f"{i}.json", [post(i)]) for i in range(5)]
    cancel = threading.Event()
    events = import_paths(library, files, cancel)
    summary = None
    for event in events:
        if isinstance(event, Progress) and event.files_done == 2:
            cancel.set()
        summary = event
    assert library.count_posts() == 2
    assert [f.status for f in summary.files] == ["imported", "imported", "cancelled", "cancelled", "cancelled"]
    assert "3 cancelled" in summary.headline()


def test_closing_the_generator_rolls_back_the_current_file(library, tmp_path):
    path = write_json(tmp_path / "big.json", [post(i) for i in range(250)])
    events = import_paths(library, [path])
    for event in events:
        if isinstance(event, Progress) and event.posts_done >= 100:
            events.close()
            break
    assert library.count_posts() == 0


def test_helper_process_imports_the_same(monkeypatch, tmp_path):
    files = [write_json(tmp_path / f"p{i}.json", [post(i * 10 + j) for j in range(10)]) for i in range(5)]
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    monkeypatch.setattr(parsing, "HELPER_THRESHOLD", 0)
    stream = parsing.parsed_files(files)
    parsers = {parsed.parsed_by for parsed in stream if list(parsed.batches) is not None}
    assert parsers and os.getpid() not in parsers, "the files were parsed in this process, not by the helper"
    with Library.in_memory() as lib:
        summary = run_import(lib, *files, tmp_path / "broken.json")
        assert lib.count_posts() == 50
        assert [f.status for f in summary.files].count("failed") == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(st.sampled_from(["id", "ID", "title", "content", "type", "link", "date",
                                                 "date_gmt", "categories", "class_list", "_embedded", "author",
                                                 "taxonomy", "name", "slug", "modified_gmt"]),
                                st.none() | st.integers(-5, 5) | st.text(max_size=8) | st.lists(st.integers(0, 3))
                                | st.dictionaries(st.sampled_from(["rendered", "wp:term", "author"]),
                                                  st.text(max_size=5) | st.lists(st.integers(0, 3))),
                                max_size=8), max_size=5))
def test_odd_json_never_breaks_the_import(tmp_path_factory, value):
    path = write_json(tmp_path_factory.mktemp("odd") / "odd.json", value)
    with Library.in_memory() as lib:
        summary = run_import(lib, path)
        assert summary.files[0].status in ("imported", "skipped", "unchanged")
        assert summary.files[0].reason()
        run_import(lib, path)
