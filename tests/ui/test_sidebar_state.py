"""The sidebar after an import: open branches stay open, closed sections stay closed, the selection stays."""

from tests.conftest import post, write_json
from tests.ui.conftest import wait_for_import


def test_open_branches_and_the_selection_survive_an_import(qtbot, opened, tmp_path):
    window = opened.window()
    window.import_paths([write_json(tmp_path / "a.json", [
        post(1, date_gmt="2023-05-01T09:00:00"), post(2, date_gmt="2024-03-01T09:00:00")])])
    wait_for_import(qtbot, window)
    model, sidebar = window.sidebar_model, window.sidebar
    qtbot.waitUntil(lambda: model.index_of("month:2023-05").isValid())
    sidebar.expand(model.index_of("year:2023"))
    sidebar.setCurrentIndex(model.index_of("month:2023-05"))
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.total == 1)
    sidebar.collapse(model.index_of("dates"))
    sidebar.expand(model.index_of("dates"))  # the user's own clicks: closed then open again
    assert sidebar.expanded_keys() == {"dates", "year:2023"}
    before = window.browsing.nodes

    window.import_paths([write_json(tmp_path / "b.json", [post(3, date_gmt="2023-05-02T09:00:00")])])
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: window.browsing.nodes is not before and model.index_of("month:2023-05").isValid())
    assert sidebar.isExpanded(model.index_of("year:2023"))
    assert not sidebar.isExpanded(model.index_of("year:2024"))
    assert sidebar.currentIndex() == model.index_of("month:2023-05")
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.total == 2)

    sidebar.collapse(model.index_of("dates"))  # a section the user closed stays closed
    before = window.browsing.nodes
    window.import_paths([write_json(tmp_path / "c.json", [post(4, date_gmt="2022-01-02T09:00:00")])])
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: window.browsing.nodes is not before and model.index_of("year:2022").isValid())
    assert not sidebar.isExpanded(model.index_of("dates"))
    window.grab().save(str(tmp_path / "sidebar.png"))
