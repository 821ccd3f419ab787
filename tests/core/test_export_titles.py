"""An export without a title given is titled after what was exported, in the CLI and (see tests/ui) the window."""

import io
from pathlib import Path

from desktop import cli
from desktop.core.dates import local_month_start
from desktop.core.export.titles import export_title
from desktop.core.importer import import_paths
from desktop.core.library import Library, PostFilter
from tests.conftest import post, write_json

GOLDEN = Path(__file__).parent / "golden" / "export"


def _library(folder: Path) -> Path:
    with Library.open(folder / "lib") as lib:
        more = write_json(folder / "more.json", [post(1, "other.example", categories=[12], tags=[])])
        for _ in import_paths(lib, [GOLDEN / "post.json", more]):
            pass
    return folder / "lib"


def test_titles_name_what_is_exported(tmp_path):
    with Library.open(_library(tmp_path), create=False) as lib:
        harbours = next(t for t in lib.terms("category") if t.name == "Harbours")
        id_only = next(t for t in lib.terms("category") if not t.named)
        tides = next(t for t in lib.terms("post_tag") if t.name == "tides")
        site = lib.site_ids()["tides.example.org"]
        one = next(r for r in lib.list_posts() if r.site == "tides.example.org")
        assert export_title(lib) == "Articles"
        assert export_title(lib, PostFilter(term_ids=(harbours.id,))) == "Harbours"
        assert export_title(lib, PostFilter(term_ids=(id_only.id,))) == "Category 12"
        assert export_title(lib, PostFilter(tag_ids=(tides.id,))) == "tides"
        assert export_title(lib, PostFilter(search="  tide   tables ")) == "Search: tide tables"
        assert export_title(lib, PostFilter(search="tide"), saved_search="My tides") == "My tides"
        assert export_title(lib, PostFilter(site_id=site, search="code")) == "tides.example.org — Search: code"
        assert export_title(lib, PostFilter(since=local_month_start(2024, 3), until=local_month_start(2024, 4))) \
            == "March 2024"
        assert export_title(lib, PostFilter(since=local_month_start(2023, 1), until=local_month_start(2024, 1))) \
            == "2023"
        assert export_title(lib, PostFilter(unread=True)) == "Unread"
        assert export_title(lib, PostFilter(no_category=True)) == "Posts without a category"
        assert export_title(lib, ids=[one.id]) == one.title
        assert export_title(lib, ids=[one.id, one.id + 1]) == "Articles"


def test_cli_export_is_titled_after_the_category_unless_a_title_is_given(tmp_path):
    library = _library(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["--library", str(library), "export", "--format", "html", "--category", "Harbours",
                    "--output", str(tmp_path / "c.html")], out, err) == 0, err.getvalue()
    assert "<title>Harbours</title>" in (tmp_path / "c.html").read_text(encoding="utf-8")
    assert cli.run(["--library", str(library), "export", "--format", "html", "--search", "tide",
                    "--output", str(tmp_path / "s.html")], out, err) == 0, err.getvalue()
    assert "<title>Search: tide</title>" in (tmp_path / "s.html").read_text(encoding="utf-8")
    assert cli.run(["--library", str(library), "export", "--format", "html", "--category", "Harbours",
                    "--title", "Mine", "--output", str(tmp_path / "m.html")], out, err) == 0, err.getvalue()
    assert "<title>Mine</title>" in (tmp_path / "m.html").read_text(encoding="utf-8")
