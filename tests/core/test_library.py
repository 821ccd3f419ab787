import sqlite3

import pytest

from desktop.core import library as library_module
from desktop.core import schema
from desktop.core.importer import Summary, import_paths
from desktop.core.library import FILE_NAME, Library, LibraryError, PostFilter, fts_query
from tests.conftest import post, write_json


def run_import(library, *paths):
    events = list(import_paths(library, list(paths)))
    assert isinstance(events[-1], Summary)
    return events[-1]


def test_new_library_is_wal_and_versioned(tmp_path):
    with Library.open(tmp_path) as library:
        assert library.schema_version == library_module.SCHEMA_VERSION
    conn = sqlite3.connect(tmp_path / FILE_NAME)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == library_module.APPLICATION_ID


def test_library_from_a_newer_version_is_refused_untouched(tmp_path):
    Library.open(tmp_path).close()
    conn = sqlite3.connect(tmp_path / FILE_NAME)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = (tmp_path / FILE_NAME).read_bytes()
    with pytest.raises(LibraryError, match="newer version of Article Browser"):
        Library.open(tmp_path)
    assert (tmp_path / FILE_NAME).read_bytes() == before


def test_foreign_and_corrupt_files_are_refused_untouched(tmp_path):
    foreign = tmp_path / "foreign" / FILE_NAME
    foreign.parent.mkdir()
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    before = foreign.read_bytes()
    with pytest.raises(LibraryError, match="not an Article Browser library"):
        Library.open(foreign.parent)
    assert foreign.read_bytes() == before

    garbage = tmp_path / "garbage" / FILE_NAME
    garbage.parent.mkdir()
    garbage.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(LibraryError, match="not a SQLite database"):
        Library.open(garbage.parent)
    assert garbage.read_bytes() == b"this is not a database at all" * 100


def test_missing_library_is_not_created_for_reading(tmp_path):
    with pytest.raises(LibraryError, match="there is no library here"):
        Library.open(tmp_path / "nothing", create=False)
    assert not (tmp_path / "nothing").exists()


def test_migration_from_schema_1_indexes_existing_posts(tmp_path):
    conn = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
    schema.migrate(conn, tmp_path, target=1)
    conn.execute("INSERT INTO sites (id, host) VALUES (1, 'example.com')")
    conn.execute("INSERT INTO posts (id, site_id, type, wp_id, title, excerpt, protected, richness, imported_at) "
                 "VALUES (1, 1, 'post', 7, 'Old title', '', 0, 2, 0)")
    conn.execute("INSERT INTO post_raw VALUES (1, ?)", ('{"id": 7, "content": {"rendered": "<p>zebra crossing</p>"}}',))
    conn.close()
    with Library.open(tmp_path) as library:
        assert library.schema_version == library_module.SCHEMA_VERSION
        assert [r.wp_id for r in library.list_posts(PostFilter(search="zebra"))] == [7]


def test_state_survives_updates(tmp_path):
    first = write_json(tmp_path / "a.json", [post(1)])
    newer = write_json(tmp_path / "b.json", [post(1, modified_gmt="2024-05-01T00:00:00",
                                                   title={"rendered": "Edited"})])
    with Library.open(tmp_path / "lib") as library:
        run_import(library, first)
        (row,) = library.list_posts()
        library.set_read([row.id])
        library.set_starred([row.id])
        summary = run_import(library, newer)
        assert summary.files[0].updated == 1
        (row,) = library.list_posts()
        assert (row.title, row.read, row.starred) == ("Edited", True, True)
        assert library.count_posts(PostFilter(unread=True)) == 0
        assert library.count_posts(PostFilter(starred=True)) == 1


def test_fts_query_quotes_words():
    assert fts_query('nato* "foreign minister" don\'t') == '"nato"* "foreign minister" "don\'t"'
    assert fts_query("C++ OR rust") == '"C++" OR "rust"'
    assert fts_query("***") is None
