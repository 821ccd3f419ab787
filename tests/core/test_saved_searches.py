from desktop.core.importer import import_paths
from desktop.core.library import Library, PostFilter
from desktop.core.navigation import cached_navigation, site_label
from tests.conftest import post, write_json


def test_saved_searches_keep_their_filter_and_order(tmp_path):
    with Library.open(tmp_path / "lib") as library:
        first = library.save_search("Mars", PostFilter(site_id=2, unread=True, search="mars rover"))
        second = library.save_search("Venus", PostFilter(search="venus"))
        library.rename_search(first, "Red planet")
    with Library.open(tmp_path / "lib") as library:
        saved = library.saved_searches()
        assert [(s.id, s.name, s.query) for s in saved] == [(first, "Red planet", "mars rover"),
                                                           (second, "Venus", "venus")]
        assert saved[0].post_filter == PostFilter(site_id=2, unread=True, search="mars rover")
        library.remove_search(first)
        assert [s.id for s in library.saved_searches()] == [second]


def test_saved_searches_and_sites_in_the_navigation_with_counts(tmp_path):
    folder = tmp_path / "my downloads"
    folder.mkdir()
    bare = post(9, title={"rendered": "Mars, locally"})
    for field in ("link", "guid", "_links"):
        bare.pop(field, None)
    files = [write_json(tmp_path / "p.json", [post(1, title={"rendered": "Mars"}), post(2, site="b.org")]),
             write_json(folder / "p.json", [bare])]
    library = Library.open(tmp_path / "lib")
    list(import_paths(library, files))
    library.save_search("Mars", PostFilter(search="mars"))
    nodes = {node.key: node for node in cached_navigation(library)}
    assert [(n.label, n.count) for n in nodes["saved"].children] == [("Mars", 2)]
    assert sorted((n.label, n.count) for n in nodes["sites"].children) == [
        ("b.org", 1), ("example.com", 1), ("my downloads (files)", 1)]
    assert len(library.post_ids(PostFilter(search="mars"))) == 2
    assert len(library.post_ids(PostFilter(unread=True))) == 3
    library.close()


def test_site_labels():
    assert site_label("www.example.com") == "www.example.com"
    assert site_label("local:/home/me/downloads") == "downloads (files)"
    assert site_label("") == "(unknown site)"
