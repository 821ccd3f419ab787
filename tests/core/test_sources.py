"""Issue 8: sources never corrupt each other; user state never waits behind an import."""

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from desktop.core.importer import Summary, import_paths
from desktop.core.library import Library, PostFilter
from tests.conftest import write_json

ROOT = Path(__file__).resolve().parents[2]


def hostless_folder(folder: Path, title: str, author: str) -> Path:
    """A folder with a post that names no site (no link, guid or _links) and a users.json naming its author."""
    folder.mkdir()
    write_json(folder / "posts.json", [{
        "id": 5, "date": "2024-03-01T10:00:00", "date_gmt": "2024-03-01T09:00:00", "type": "post",
        "title": {"rendered": title}, "content": {"rendered": f"<p>{title} body</p>"}, "author": 1,
    }])
    write_json(folder / "users.json", [{"id": 1, "name": author, "slug": author.lower(), "avatar_urls": {}}])
    return folder


def run(library, *paths):
    events = list(import_paths(library, list(paths)))
    summary = events[-1]
    assert isinstance(summary, Summary)
    return summary


def state(library):
    return sorted((r.site, r.wp_id, r.title, r.author) for r in library.list_posts(limit=100))


def test_two_hostless_folders_keep_their_own_posts_and_authors(tmp_path):
    first = hostless_folder(tmp_path / "first", "First five", "Alice")
    second = hostless_folder(tmp_path / "second", "Second five", "Bob")
    with Library.open(tmp_path / "lib") as library:
        run(library, first)
        run(library, second)
        rows = state(library)
        assert [(r[2], r[3]) for r in rows] == [("First five", "Alice"), ("Second five", "Bob")]
        assert {r[0] for r in rows} == {f"local:{first.resolve()}", f"local:{second.resolve()}"}
        before = (state(library), library.stats()["authors"])
        summary = run(library, first)
        assert summary.totals()["new"] == 0 and summary.totals()["updated"] == 0
        assert (state(library), library.stats()["authors"]) == before


def test_a_term_list_is_never_taken_for_a_user_list(tmp_path):
    page = [{"id": 1, "link": "https://a.example/p/", "title": {"rendered": "T"}, "content": {"rendered": "x"},
             "author": 3, "categories": [3]}]
    # A term list fetched with _fields (no taxonomy key) looks much like a user list.
    terms = [{"id": 3, "name": "Politics", "slug": "politics", "count": 1, "link": "https://a.example/c/politics/"}]
    with Library.in_memory() as library:
        run(library, write_json(tmp_path / "terms.json", terms), write_json(tmp_path / "p.json", page))
        (row,) = library.list_posts()
        assert row.author is None


def test_lists_apply_only_to_their_own_site(tmp_path):
    posts = [{"id": n, "link": f"https://{host}/p{n}/", "title": {"rendered": host}, "content": {"rendered": "x"},
              "author": 1} for n, host in ((1, "a.example"), (2, "b.example"))]
    users = [{"id": 1, "name": "Only A", "slug": "a", "link": "https://a.example/author/a/", "avatar_urls": {}}]
    with Library.in_memory() as library:
        run(library, write_json(tmp_path / "users.json", users), write_json(tmp_path / "posts.json", posts))
        assert sorted((r.site, r.author) for r in library.list_posts()) == [("a.example", "Only A"),
                                                                           ("b.example", None)]


def test_an_older_copy_changes_nothing(tmp_path):
    def copy(modified: str, author: str) -> dict:
        return {"id": 9, "link": "https://a.example/p9/", "modified_gmt": modified, "title": {"rendered": author},
                "content": {"rendered": "x"}, "author": 1,
                "_embedded": {"author": [{"id": 1, "name": author, "slug": "x"}]}}
    with Library.in_memory() as library:
        run(library, write_json(tmp_path / "new.json", [copy("2024-05-01T00:00:00", "Newer")]))
        summary = run(library, write_json(tmp_path / "old.json", [copy("2020-01-01T00:00:00", "Older")]))
        assert summary.files[0].older == 1
        (row,) = library.list_posts()
        assert (row.title, row.author) == ("Newer", "Newer")


HOLD_IMPORT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from desktop.core.library import Library
    from desktop.core.records import Post
    with Library.open(Path(sys.argv[1])) as library:
        with library.transaction() as stats:
            library.store_post(Post(site="b.example", type="post", wp_id=77, title="held", date_utc=0,
                date_local=None, date_is_local=False, utc_offset=None, modified=None, slug=None, status=None,
                link=None, author_id=None, excerpt="", content_text="", protected=False, featured_media=None,
                richness=0, terms=(), authors=(), media=(), raw="{}"), "x", stats)
            print("holding", flush=True)
            time.sleep(float(sys.argv[2]))
""")


def test_star_is_saved_while_another_process_holds_an_import(tmp_path):
    lib_dir = tmp_path / "lib"
    with Library.open(lib_dir) as library:
        run(library, write_json(tmp_path / "p.json", [{"id": 1, "link": "https://a.example/p/",
                                                       "title": {"rendered": "T"}, "content": {"rendered": "x"}}]))
        (row,) = library.list_posts()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_IMPORT, str(lib_dir), "30"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        with Library.open(lib_dir) as library:
            library.set_starred([row.id])
            library.set_read([row.id])
        stats = subprocess.run([sys.executable, "-m", "desktop", "stats", "--json", "--library", str(lib_dir)],
                               cwd=ROOT, capture_output=True, text=True, timeout=20)
        assert time.monotonic() - started < 10, "the state writes waited for the import"
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["starred"] == 1
        assert holder.poll() is None, "the import finished first: the test proved nothing"
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    with Library.open(lib_dir) as library:
        assert library.count_posts(PostFilter(starred=True)) == 1
        assert [r.title for r in library.list_posts()] == ["T"]  # the killed import left nothing


def test_delete_while_an_import_holds_the_library_hides_at_once_and_purges_later(tmp_path):
    lib_dir = tmp_path / "lib"
    with Library.open(lib_dir) as library:
        run(library, write_json(tmp_path / "p.json", [{"id": n, "link": f"https://a.example/{n}/",
                                                       "title": {"rendered": f"T{n}"}, "content": {"rendered": "x"}}
                                                      for n in (1, 2)]))
        ids = {r.title: r.id for r in library.list_posts()}
    holder = subprocess.Popen([sys.executable, "-c", HOLD_IMPORT, str(lib_dir), "30"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with Library.open(lib_dir) as library:
            started = time.monotonic()
            library.delete_posts([ids["T1"]])
            assert time.monotonic() - started < 5
            assert [r.title for r in library.list_posts()] == ["T2"]
            assert library.state_counts()["all"] == 1
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    with Library.open(lib_dir) as library:
        library.purge_deleted()
        assert [r.title for r in library.list_posts()] == ["T2"]
        assert library.raw_json(ids["T1"]) is None
