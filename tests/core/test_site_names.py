"""A live site is named in the sidebar as the status bar names it: by the name it gives itself, with its host."""

import io

from desktop import cli
from desktop.core.importer import import_paths
from desktop.core.library import Library
from desktop.core.navigation import navigation, site_label
from tests.conftest import post, write_json
from tests.core.test_sync_library import sync


def test_site_label_names_the_site_and_its_host():
    assert site_label("127.0.0.1:8080", "Stand-in Site") == "Stand-in Site (127.0.0.1:8080)"
    assert site_label("example.com", "Tom &amp; Jerry&#8217;s\n  blog") == "Tom & Jerry’s blog (example.com)"
    assert site_label("example.com", "Example.com") == "example.com"  # no echo of the host
    assert site_label("example.com", "  ") == site_label("example.com") == "example.com"
    assert site_label("local:/home/me/downloads", "Ignored") == "downloads (files)"


def test_a_synced_site_is_named_in_the_sidebar_and_in_stats(serve, tmp_path):
    site = serve(5, pages=1)
    with Library.open(tmp_path / "lib") as library:
        assert sync(library, site.url).ok
        for _ in import_paths(library, [write_json(tmp_path / "other.json", [post(1, site="b.org", categories=[12])])]):
            pass
        host = next(h for h in library.site_counts() if h != "b.org")
        sites = next(node for node in navigation(library) if node.key == "sites")
        labels = {node.key: node.label for node in sites.children}
        assert labels == {f"site:{host}": f"Stand-in Site ({host})", "site:b.org": "b.org"}
        categories = next(node for node in navigation(library) if node.key == "categories")
        assert {n.key: n.label for n in categories.children} == {f"categories:{host}": f"Stand-in Site ({host})",
                                                                 "categories:b.org": "b.org"}
    out = io.StringIO()
    assert cli.run(["--library", str(tmp_path / "lib"), "stats"], out, io.StringIO()) == 0
    assert f"Stand-in Site ({host}): " in out.getvalue()
