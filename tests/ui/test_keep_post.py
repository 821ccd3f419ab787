"""The post being read stays in the reader when the list is re-sorted or the search is cleared (a new user saw
the reader go blank)."""

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from tests.conftest import post, write_json
from tests.ui.conftest import wait_for_import


def test_resorting_and_clearing_the_search_keep_the_post_in_the_reader(qtbot, opened, tmp_path):
    start = datetime(2024, 1, 1, tzinfo=UTC)
    posts = [post(n, date_gmt=(start + timedelta(hours=n)).strftime("%Y-%m-%dT%H:%M:%S"),
                  title={"rendered": f"Story {n}" + (" zebra" if n == 300 else "")}) for n in range(1, 401)]
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", posts)])
    wait_for_import(qtbot, window)
    window.post_list.selectRow(0)  # the newest: Story 400
    qtbot.waitUntil(lambda: "Story 400" in window.reader.toPlainText()[:200])
    window.post_list.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # what a click on the Date header does
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.post(0).title.startswith("Story 1"))
    qtbot.wait(200)
    assert "Story 400" in window.reader.toPlainText()[:200]

    window.search.setText("zebra")
    window.on_search()
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.rowCount() == 1)
    window.post_list.selectRow(0)
    qtbot.waitUntil(lambda: "Story 300 zebra" in window.reader.toPlainText()[:200])
    window.search.clear()
    window.on_search()
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.rowCount() > 1)
    qtbot.wait(200)
    assert "Story 300 zebra" in window.reader.toPlainText()[:200]
