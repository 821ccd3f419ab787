"""Damaged, read-only and contended libraries; kill -9 during imports; the CLI given hostile arguments."""

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.killtest import check, kill_once, make_files
from desktop import cli
from desktop.core.importer import Summary, import_paths
from desktop.core.library import Library, LibraryError
from desktop.core.navigation import navigation
from desktop.core.reading import read_post
from desktop.core.schema import sqlite_reason
from tests.conftest import post, write_json

ROOT = Path(__file__).resolve().parents[2]


def run_import(library, *paths) -> Summary:
    *_, summary = import_paths(library, list(paths))
    return summary


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return cli.run(list(args), out, err), out.getvalue(), err.getvalue()


@pytest.fixture
def library_folder(tmp_path) -> Path:
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        posts = [post(i, categories=[i % 3 + 1]) for i in range(1, 40)]
        run_import(library, write_json(tmp_path / "posts.json", posts))
    conn = sqlite3.connect(folder / "library.sqlite3")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return folder


# Offsets in the first (header) page: header fields SQLite trusts, the schema table's b-tree, its cells.
FLIPS = [18, 21, 28, 33, 44, 52, 64, 72, 100, 101, 105, 108]


@pytest.mark.parametrize("offset", FLIPS)
def test_a_flipped_byte_in_the_header_page_is_refused_and_left_as_it_was(library_folder, tmp_path, offset):
    db = library_folder / "library.sqlite3"
    data = bytearray(db.read_bytes())
    data[offset] ^= 0xFF
    db.write_bytes(data)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        damaged = conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    except sqlite3.DatabaseError:
        damaged = True
    finally:
        conn.close()
    code, out, err = run_cli("import", "--library", str(library_folder),
                             str(write_json(tmp_path / "new.json", [post(99)])))
    assert code == 1 and out == ""
    assert "damaged" in err or "not a SQLite database" in err or not damaged
    assert "Recovering a damaged library" in err or not damaged
    assert db.read_bytes() == bytes(data)


def test_damage_deeper_in_a_small_library_is_found_before_writing(library_folder, tmp_path):
    db = library_folder / "library.sqlite3"
    data = bytearray(db.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(2, len(data) // page_size):  # a b-tree page header in the middle of the file
        if data[page * page_size] in (0x0D, 0x05):
            data[page * page_size + 3] ^= 0x7F  # its cell count
            break
    db.write_bytes(data)
    with pytest.raises(LibraryError, match="damaged"):
        Library.open(library_folder)
    assert db.read_bytes() == bytes(data)


@pytest.mark.skipif(os.name != "posix" or os.getuid() == 0, reason="root may write a read-only file")
def test_a_read_only_library_is_browsed_not_called_damaged(library_folder, tmp_path):
    for file in library_folder.iterdir():
        file.chmod(0o444)
    library_folder.chmod(0o555)
    try:
        with Library.open(library_folder) as library:
            assert library.read_only and library.count_posts() == 39
            assert [n.key for n in navigation(library)][:3] == ["all", "unread", "starred"]
            summary = run_import(library, write_json(tmp_path / "more.json", [post(100)]))
            assert summary.files[0].reason() == "not imported: the library is read-only"
        code, _, err = run_cli("list", "--library", str(library_folder), "--limit", "1")
        assert code == 0 and "damaged" not in err
    finally:
        library_folder.chmod(0o755)


def test_an_older_copy_changes_nothing(tmp_path):
    newer = post(1, modified_gmt="2024-06-01T00:00:00", author=7, featured_media=9, _embedded={
        "author": [{"id": 7, "name": "Newer Name", "slug": "n"}],
        "wp:featuredmedia": [{"id": 9, "source_url": "https://example.com/new.jpg", "alt_text": "new"}]})
    older = post(1, modified_gmt="2023-01-01T00:00:00", author=7, featured_media=9, title={"rendered": "Old"},
                 _embedded={"author": [{"id": 7, "name": "Older Name", "slug": "o"}],
                            "wp:featuredmedia": [{"id": 9, "source_url": "https://example.com/old.jpg",
                                                  "alt_text": "old"}]})
    with Library.open(tmp_path / "lib") as library:
        run_import(library, write_json(tmp_path / "newer.json", [newer]))
        before = read_post(library, library.list_posts()[0].id)
        summary = run_import(library, write_json(tmp_path / "older.json", [older]))
        after = read_post(library, library.list_posts()[0].id)
    assert summary.files[0].older == 1
    assert (after.row.title, after.row.author, after.featured) == (before.row.title, "Newer Name", before.featured)
    assert before.featured is not None and "new.jpg" in before.featured.url


def test_four_imports_at_once_into_a_library_that_does_not_exist_yet(tmp_path):
    for attempt in range(3):
        library = tmp_path / f"lib{attempt}"
        files = [write_json(tmp_path / f"a{attempt}-{n}.json", [post(i, site=f"s{n}.example") for i in range(1, 51)])
                 for n in range(4)]
        launches = [subprocess.Popen([sys.executable, "-m", "desktop", "import", "--library", str(library), str(f)],
                                     cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for f in files]
        outputs = [p.communicate(timeout=60)[0].decode() for p in launches]
        assert [p.returncode for p in launches] == [0] * 4, outputs
        with Library.open(library, create=False) as opened:
            assert opened.site_counts() == {f"s{n}.example": 50 for n in range(4)}


def test_kill_9_during_imports_leaves_whole_files_and_a_sound_library(tmp_path):
    folder, library = tmp_path / "in", tmp_path / "library"
    make_files(folder, files=6, posts=150)
    for delay in (0.6, 0.9, 1.3):
        kill_once(library, folder, delay)
        assert check(library, files=6, posts=150) == []
    finished = subprocess.run([sys.executable, "-m", "desktop", "import", "--library", str(library), str(folder)],
                              cwd=ROOT, capture_output=True, timeout=120)
    assert finished.returncode == 0  # an import left to finish completes what the kills interrupted
    assert check(library, files=6, posts=150) == []
    with Library.open(library, create=False) as opened:
        assert sorted(opened.site_counts().values()) == [150] * 6


def test_sqlite_errors_are_told_apart_by_their_codes(tmp_path):
    def error_of(action) -> sqlite3.Error:
        with pytest.raises(sqlite3.Error) as caught:
            action()
        return caught.value

    full = sqlite3.connect(tmp_path / "full.sqlite3")
    full.execute("CREATE TABLE t (x)")
    full.execute("PRAGMA max_page_count = 3")
    assert "disk is full" in sqlite_reason(error_of(lambda: full.execute("INSERT INTO t VALUES (zeroblob(100000))")))
    read_only = sqlite3.connect(f"file:{tmp_path / 'full.sqlite3'}?mode=ro", uri=True)
    assert sqlite_reason(error_of(lambda: read_only.execute("INSERT INTO t VALUES (1)"))) == "the library is read-only"
    holder = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    waiter = sqlite3.connect(tmp_path / "busy.sqlite3", timeout=0)
    assert "import it again" in sqlite_reason(error_of(lambda: waiter.execute("SELECT * FROM t").fetchall()))
    holder.execute("ROLLBACK")
    (tmp_path / "junk.sqlite3").write_bytes(b"x" * 4096)
    junk = sqlite3.connect(tmp_path / "junk.sqlite3")
    assert "damaged" in sqlite_reason(error_of(lambda: junk.execute("SELECT * FROM sqlite_schema").fetchall()))
    for conn in (full, read_only, holder, waiter, junk):
        conn.close()


def test_the_cli_answers_hostile_arguments_without_a_traceback(library_folder, tmp_path):
    lib = str(library_folder)
    plain = tmp_path / "plain"
    plain.write_text("not a folder")
    assert run_cli("stats", "--library", str(plain))[0] == 1
    code, _, err = run_cli("import", "--library", str(plain / "sub"), str(tmp_path / "posts.json"))
    assert code == 1 and "cannot be created" in err
    for argv in (["show", str(2**63)], ["show", "١٢"], ["list", "--limit", str(2**64)]):
        with pytest.raises(SystemExit) as exited:
            run_cli(*argv, "--library", lib)
        assert exited.value.code == 2
    assert run_cli("list", "--until", "9999-12-31", "--library", lib)[0] == 0
    assert run_cli("list", "--since", "0001-01-01", "--library", lib)[0] == 0
    for query in ("a\x01b\x7f", "\x1b[31m", '"', "NEAR(", "*", "a AND", "-x", "\ud800"):
        assert run_cli("search", "--library", lib, "--", query)[0] == 0


def test_titles_with_terminal_escapes_are_printed_harmless(tmp_path):
    lib = str(tmp_path / "lib")
    hostile = write_json(tmp_path / "p.json", [post(1, title={"rendered": "a\x1b[2Jb"})])
    run_cli("import", "--library", lib, str(hostile))
    code, out, _ = run_cli("list", "--library", lib)
    assert code == 0 and "\x1b" not in out and "a\ufffd[2Jb" in out


def test_output_piped_into_head_ends_quietly(library_folder):
    command = f"{sys.executable} -m desktop list --library {library_folder} --limit 1000 --json | head -c 10"
    result = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stderr == "" and len(result.stdout) == 10
