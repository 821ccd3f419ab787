"""Browsing as a reader does: sites and id-only categories in the sidebar, saved searches, date groups,
Next Unread, Mark All as Read with Undo, Delete, columns and the layout (issue 12)."""

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from desktop.core.library import Library
from desktop.ui import main_window
from desktop.ui.post_list import COL_AUTHOR, COL_CATEGORIES, GROUP_ROLE
from desktop.ui.settings import Layout
from tests.conftest import post, write_json
from tests.ui.conftest import wait_for_import


def titles(window):
    return [window.posts.post(r).title for r in range(window.posts.rowCount())]


def keys(window):
    found, stack = [], list(window.browsing.nodes)
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return {node.key: node for node in found}


def select(qtbot, window, key):
    qtbot.waitUntil(lambda: window.sidebar_model.index_of(key).isValid())
    window.sidebar.setCurrentIndex(window.sidebar_model.index_of(key))
    qtbot.waitUntil(lambda: not window.posts.loading)


def answer_modal(kind, act):
    """Answer the next modal dialog of ``kind`` with ``act(dialog)`` once it shows."""
    def check():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)
        else:
            QTimer.singleShot(10, check)
    QTimer.singleShot(0, check)


def stamp(days_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S")


def test_sites_and_id_only_categories_in_the_sidebar(qtbot, opened, tmp_path):
    local = tmp_path / "downloads"
    local.mkdir()
    bare = post(7, title={"rendered": "From a folder"})
    for field in ("link", "guid", "_links"):
        bare.pop(field, None)
    files = [write_json(tmp_path / "a.json", [post(1, categories=[12]), post(2, categories=[12]), post(3)]),
             write_json(tmp_path / "b.json", [post(1, site="b.org", title={"rendered": "B one"})]),
             write_json(local / "posts.json", [bare])]
    window = opened.window()
    window.import_paths(files)
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: "sites" in keys(window))
    nodes = keys(window)
    sites = {node.label: node.count for node in nodes["sites"].children}
    assert sites == {"example.com": 3, "b.org": 1, "downloads (files)": 1}
    select(qtbot, window, "site:b.org")
    assert titles(window) == ["B one"]
    select(qtbot, window, next(k for k in nodes if k.startswith("site:local:")))
    assert titles(window) == ["From a folder"]

    category = next(node for node in nodes.values() if node.label == "Category 12")
    assert category.count == 2
    select(qtbot, window, category.key)
    assert sorted(titles(window)) == ["Post number 1", "Post number 2"]
    select(qtbot, window, "uncategorized")  # only posts that have no category at all
    assert sorted(titles(window)) == ["B one", "From a folder", "Post number 3"]


def test_saved_search_is_kept_renamed_and_removed(qtbot, opened, tmp_path):
    posts = [post(1, title={"rendered": "Mars rover lands"}), post(2, title={"rendered": "Mars soil"}),
             post(3, site="b.org", title={"rendered": "Mars again"}), post(4, title={"rendered": "Venus"})]
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", posts)])
    wait_for_import(qtbot, window)
    select(qtbot, window, "site:example.com")
    QTest.keyClicks(window.search, "mars")
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.total == 2, timeout=3000)

    def name_it(dialog):
        dialog.setTextValue("Mars here")
        dialog.accept()
    answer_modal(QInputDialog, name_it)
    window.save_search_action.trigger()
    qtbot.waitUntil(lambda: window.browsing.node_key.startswith("saved:"))
    saved = keys(window)[window.browsing.node_key]
    assert (saved.label, saved.count) == ("Mars here", 2)
    assert window.search.text() == "" and sorted(titles(window)) == ["Mars rover lands", "Mars soil"]
    opened.close(window)

    again = opened.window()
    qtbot.waitUntil(lambda: not again.posts.loading and again.browsing.node_key.startswith("saved:"))
    assert sorted(titles(again)) == ["Mars rover lands", "Mars soil"]
    key = again.browsing.node_key
    search_id = int(key.split(":")[1])

    def rename(dialog):
        dialog.setTextValue("Red planet")
        dialog.accept()
    answer_modal(QInputDialog, rename)
    again.sidebar.rename_requested.emit(search_id, "Mars here")
    qtbot.waitUntil(lambda: key in keys(again) and keys(again)[key].label == "Red planet")
    again.sidebar.remove_requested.emit(search_id)
    qtbot.waitUntil(lambda: key not in keys(again))
    assert again.browsing.node_key == "all"
    with Library.open(opened.library) as library:
        assert library.saved_searches() == []


def test_date_groups_next_unread_and_mark_all_read_with_undo(qtbot, qtmodeltester, opened, tmp_path):
    posts = [post(1, date_gmt=stamp(0.01)), post(2, date_gmt=stamp(1.0)), post(3, date_gmt=stamp(40)),
             post(4, date_gmt=stamp(41)), post(5, date_gmt=stamp(400)), post(6, site="b.org", date_gmt=stamp(2))]
    window = opened.window()
    qtmodeltester.check(window.posts)
    window.import_paths([write_json(tmp_path / "p.json", posts)])
    wait_for_import(qtbot, window)
    groups = [window.posts.index(r, 0).data(GROUP_ROLE) for r in range(window.posts.rowCount())]
    assert groups[0] == "Today" and groups[1] == "Yesterday"
    labels = [g for g in groups if g]
    assert len(labels) == len(set(labels))
    assert all(label in ("Today", "Yesterday", "This Week") or label.split()[-1].isdigit() for label in labels)
    assert window.posts.rowCount() == 6  # groups are no rows of their own: every row is a post

    select(qtbot, window, "site:example.com")
    window.post_actions.on_mark_all_read()
    qtbot.waitUntil(lambda: all(window.posts.post(r).read for r in range(window.posts.rowCount())))
    assert "Marked" in window.statusBar().currentMessage()
    with Library.open(opened.library) as library:
        assert library.state_counts()["unread"] == 1  # b.org's post is another list
    window.post_list.setFocus()
    QTest.keyClick(window.post_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not any(window.posts.post(r).read for r in range(window.posts.rowCount())))
    with Library.open(opened.library) as library:
        assert library.state_counts()["unread"] == 6
    select(qtbot, window, "all")

    window.post_list.setFocus()
    QTest.keyClick(window.post_list, Qt.Key.Key_N)
    assert window.post_list.currentIndex().row() == 0
    qtbot.waitUntil(lambda: window.posts.post(0).read)
    window.post_list.selectRow(3)
    qtbot.waitUntil(lambda: window.posts.post(3).read)
    window.post_list.selectRow(1)
    qtbot.waitUntil(lambda: window.posts.post(1).read)
    QTest.keyClick(window.post_list, Qt.Key.Key_N)  # over the read post 3, into the next group
    assert window.post_list.currentIndex().row() == 2
    QTest.keyClick(window.post_list, Qt.Key.Key_N)
    assert window.post_list.currentIndex().row() == 4

def test_delete_shows_the_next_post(qtbot, opened, tmp_path):
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [post(i, date_gmt=stamp(i)) for i in range(1, 5)])])
    wait_for_import(qtbot, window)
    window.post_list.selectRow(1)
    qtbot.waitUntil(lambda: "Body of post 2" in window.reader.toPlainText())
    answer_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    window.post_actions.on_delete()
    qtbot.waitUntil(lambda: window.posts.rowCount() == 3 and not window.posts.loading)
    qtbot.waitUntil(lambda: "Body of post 3" in window.reader.toPlainText())
    assert [p.wp_id for p in window.selected_posts()] == [3]


def test_columns_layout_and_passing_messages(qtbot, opened, tmp_path, monkeypatch):
    monkeypatch.setattr(main_window, "STATUS_TIMEOUT_MS", 300)
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [post(i) for i in range(1, 4)])])
    wait_for_import(qtbot, window)
    # no author names and no categories in this data: those columns take no space
    assert window.post_list.isColumnHidden(COL_AUTHOR) and window.post_list.isColumnHidden(COL_CATEGORIES)
    author = next(a for a in window.post_list.column_actions() if a.text() == "Author")
    author.trigger()
    assert not window.post_list.isColumnHidden(COL_AUTHOR)
    assert window.right.orientation() == Qt.Orientation.Vertical
    window.layout_actions[Layout.BESIDE].trigger()
    assert window.right.orientation() == Qt.Orientation.Horizontal
    window.say("passing")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "", timeout=2000)
    assert window.import_status.report_button.isVisible()  # the import's summary stays a click away
    window.import_status.report_button.click()
    assert window.import_status.report.isVisible() and "Imported 1 file" in window.import_status.report.text
    window.grab().save(str(tmp_path / "beside.png"))
    opened.close(window)

    again = opened.window()
    qtbot.waitUntil(lambda: not again.posts.loading and again.posts.rowCount() == 3)
    assert again.right.orientation() == Qt.Orientation.Horizontal
    assert again.layout_actions[Layout.BESIDE].isChecked()
    assert not again.post_list.isColumnHidden(COL_AUTHOR) and again.post_list.isColumnHidden(COL_CATEGORIES)
