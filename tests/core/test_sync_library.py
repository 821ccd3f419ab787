"""Issue 10: `article-browser sync` stores a live site like imported JSON, incrementally, keeping removed posts."""

import io
import json

import pytest

from desktop import cli
from desktop.core.formats.site import SyncOptions
from desktop.core.formats.site_http import Limits, SiteClient
from desktop.core.library import Library, PostFilter
from desktop.core.syncing import SyncReport, sync_into
from tests.conftest import write_json


def client() -> SiteClient:
    return SiteClient(Limits(), sleep=lambda seconds: None)


def sync(library, address) -> SyncReport:
    events = list(sync_into(library, address, client=client(), options=SyncOptions()))
    report = events[-1]
    assert isinstance(report, SyncReport)
    return report


def cli_run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_sync_copies_the_site_with_names_and_resyncs_only_changes(serve, tmp_path):
    site = serve(120, pages=2)
    with Library.open(tmp_path) as library:
        first = sync(library, site.url)
        assert first.ok and (first.new, first.updated) == (122, 0)
        rows = library.list_posts(limit=500)
        assert len(rows) == 122
        assert all(r.author and r.author.startswith("Writer") for r in rows if r.type == "post")
        assert all(r.categories for r in rows if r.type == "post")
        before = len(site.requests)
        site.edit(17, "A new title")
        second = sync(library, site.url)
        assert (second.new, second.updated) == (0, 1), second.headline()
        assert len(site.requests) - before < 15
        assert any(r.title == "A new title" for r in library.list_posts(limit=500))
        site.delete(18)
        third = sync(library, site.url)
        assert third.removed == 1
        assert library.count_posts() == 122  # the user's archive keeps it
        assert [s.address for s in library.added_sites()] == [site.url]


def test_a_synced_post_and_the_same_post_from_a_file_are_one_post(serve, tmp_path):
    site = serve(3, pages=0)
    with Library.open(tmp_path / "lib") as library:
        sync(library, site.url)
        (row,) = [r for r in library.list_posts() if r.wp_id == min(site.items)]
        raw = json.loads(library.raw_json(row.id))
        write_json(tmp_path / "same.json", [raw])
    code, out, _ = cli_run("import", "--library", str(tmp_path / "lib"), str(tmp_path / "same.json"))
    assert code == 0 and "1 unchanged" in out
    with Library.open(tmp_path / "lib") as library:
        assert library.count_posts() == 3


def test_cli_sync_prints_a_summary_and_sync_without_address_updates_added_sites(serve, tmp_path):
    site = serve(5, pages=1)
    lib = str(tmp_path / "lib")
    code, out, err = cli_run("sync", site.url, "--library", lib)
    assert code == 0, err
    assert "6 new" in out
    code, out, err = cli_run("sync", "--library", lib)
    assert code == 0, err
    assert "up to date, no post changed since the last sync" in out


def test_a_page_that_is_not_wordpress_leaves_no_library(serve, tmp_path):
    site = serve(1, discovery="none")
    code, _, err = cli_run("sync", site.url, "--library", str(tmp_path / "lib"))
    assert code == 1 and site.url.rstrip("/") in err and "Traceback" not in err
    assert not (tmp_path / "lib").exists()


def test_a_failure_leaves_an_existing_library_unchanged(serve, tmp_path):
    site = serve(1, discovery="none")
    lib = tmp_path / "lib"
    write_json(tmp_path / "p.json", [{"id": 1, "link": "https://a.example/1/", "title": {"rendered": "Kept"},
                                      "content": {"rendered": "x"}}])
    assert cli_run("import", "--library", str(lib), str(tmp_path / "p.json"))[0] == 0
    code, _, err = cli_run("sync", site.url, "--library", str(lib))
    assert code == 1 and err
    with Library.open(lib) as library:
        assert [r.title for r in library.list_posts()] == ["Kept"] and library.added_sites() == []
        assert library.count_posts(PostFilter()) == 1


def test_usage_errors_exit_2(tmp_path):
    with pytest.raises(SystemExit) as stop:
        cli_run("sync", "--bogus")
    assert stop.value.code == 2


def test_the_same_site_typed_differently_is_one_added_site(serve, tmp_path):
    site = serve(5, pages=0)
    with Library.open(tmp_path) as library:
        sync(library, site.url)
        again = sync(library, site.url.rstrip("/").replace("http://", "HTTP://"))
        assert (again.new, again.updated) == (0, 0)
        assert len(library.added_sites()) == 1


def test_an_address_typed_without_a_scheme_falls_back_to_http(serve, tmp_path):
    site = serve(3, pages=0)
    with Library.open(tmp_path) as library:
        report = sync(library, site.url.removeprefix("http://"))
        assert report.ok and report.new == 3
