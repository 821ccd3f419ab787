"""Searching as a reader does (issue 11): the number of results, Enter or Down into them, and their order —
relevance, said beside the search field, or newest first by the sort button or the Date header, and back."""

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from desktop.core import searching
from desktop.ui.post_list import COL_DATE, COL_TITLE
from desktop.ui.search_status import TOO_MANY
from tests.conftest import post, write_json
from tests.ui.conftest import wait_for_import

# "kiwi" is in the title of the oldest post (ranked first) and only in the body of the newer ones
POSTS = [post(1, title={"rendered": "Kiwi harvest"}, date_gmt="2021-01-01T09:00:00"),
         post(2, content={"rendered": "<p>A note on the kiwi, among other fruit.</p>", "protected": False},
              title={"rendered": "Fruit notes"}, date_gmt="2023-06-01T09:00:00"),
         post(3, content={"rendered": "<p>Plums, pears and a kiwi or two.</p>", "protected": False},
              title={"rendered": "Orchard diary"}, date_gmt="2022-03-01T09:00:00"),
         post(4, title={"rendered": "Opera night"}, date_gmt="2024-01-01T09:00:00")]
BY_RELEVANCE = "Kiwi harvest"
# WORKAROUND: the offscreen platform plugin cannot grab the keyboard for a popup menu, and says so each time
MENU_WARNING = "This plugin does not support grabbing the keyboard"
NEWEST_FIRST = ["Fruit notes", "Orchard diary", "Kiwi harvest"]


def titles(window):
    return [window.posts.post(r).title for r in range(window.posts.rowCount())]


def loaded(qtbot, window):
    qtbot.waitUntil(lambda: not window.posts.loading, timeout=5000)


def opened_with_posts(qtbot, opened, tmp_path):
    window = opened.window()
    window.import_paths([write_json(tmp_path / "posts.json", POSTS)])
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: window.search_status.count.text() == "4 posts")
    return window


def type_search(qtbot, window, text):
    """Ctrl+L, then type as a person does (the search runs once the typing settles)."""
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    QTest.keyClicks(window.search, text)


def click_header(qtbot, window, column):
    header = window.post_list.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def choose_order(qtbot, window, text):
    """Click the sort button and the menu entry whose text starts with ``text``."""
    chosen = []

    def pick():
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, pick)
            return
        action = next(a for a in menu.actions() if a.text().replace("&", "").startswith(text))
        chosen.append(action.isChecked())
        QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())

    QTimer.singleShot(0, pick)
    QTest.mouseClick(window.search_status.sort, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(chosen))
    # WORKAROUND: on the offscreen platform the closed menu stays the active window (a desktop gives the
    # activation back), so the window's shortcuts and focus would be dead for the rest of the test
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return chosen[0]  # whether the entry was checked before the click


def indicator(window):
    header = window.post_list.horizontalHeader()
    return header.sortIndicatorSection(), header.sortIndicatorOrder()


def test_the_count_and_enter_or_down_into_the_results(qtbot, opened, tmp_path):
    window = opened_with_posts(qtbot, opened, tmp_path)
    assert window.search_status.count.isVisible() and not window.search_status.sort.isVisible()
    type_search(qtbot, window, "kiwi")
    QTest.keyClick(window.search, Qt.Key.Key_Return)  # at once, before the typing has settled
    qtbot.waitUntil(lambda: window.post_list.hasFocus(), timeout=5000)
    assert window.search_status.count.text() == "3 results"
    assert window.posts.total == 3
    assert [row.title for row in window.selected_posts()] == [BY_RELEVANCE]  # the first row, selected...
    qtbot.waitUntil(lambda: "Kiwi harvest" in window.reader.toPlainText())  # ...and shown
    assert window.post_list.visualRect(window.posts.index(0, COL_TITLE)).intersects(window.post_list.viewport().rect())

    # back into the search field, another post selected: Down goes to the first result again
    QTest.keyClick(window.post_list, Qt.Key.Key_Down)
    assert [row.title for row in window.selected_posts()] != [BY_RELEVANCE]
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window.search, Qt.Key.Key_Down)
    assert window.post_list.hasFocus()
    assert [row.title for row in window.selected_posts()] == [BY_RELEVANCE]

    # nothing found: Enter leaves the cursor in the field, to type on
    type_search(qtbot, window, "zebra")
    QTest.keyClick(window.search, Qt.Key.Key_Enter)
    loaded(qtbot, window)
    assert window.search_status.count.text() == "0 results" and window.search.hasFocus()
    QTest.keyClick(window.search, Qt.Key.Key_Escape)  # Escape clears the search: the count of every post again
    qtbot.waitUntil(lambda: window.search_status.count.text() == "4 posts", timeout=5000)
    assert not window.search_status.sort.isVisible()


@pytest.mark.qt_log_ignore(MENU_WARNING)
def test_results_say_relevance_and_switch_to_newest_first_and_back(qtbot, opened, tmp_path):
    window = opened_with_posts(qtbot, opened, tmp_path)
    assert indicator(window) == (COL_DATE, Qt.SortOrder.DescendingOrder)
    type_search(qtbot, window, "kiwi")
    qtbot.waitUntil(lambda: window.search_status.count.text() == "3 results", timeout=5000)
    sort = window.search_status.sort
    assert sort.isVisible() and sort.text().startswith("Relevance")
    assert titles(window)[0] == BY_RELEVANCE
    assert indicator(window)[0] == -1  # no arrow on Date: the list is not by date

    click_header(qtbot, window, COL_DATE)  # the Date header: newest first
    qtbot.waitUntil(lambda: titles(window) == NEWEST_FIRST, timeout=5000)
    assert sort.text().startswith("Newest first")
    assert indicator(window) == (COL_DATE, Qt.SortOrder.DescendingOrder)

    assert choose_order(qtbot, window, "Relevance") is False  # and back, by the sort button
    qtbot.waitUntil(lambda: titles(window)[0] == BY_RELEVANCE and sort.text().startswith("Relevance"), timeout=5000)
    assert indicator(window)[0] == -1
    click_header(qtbot, window, 3)  # a column that does not sort keeps the order, and no arrow appears
    loaded(qtbot, window)
    assert titles(window)[0] == BY_RELEVANCE and indicator(window)[0] == -1

    assert choose_order(qtbot, window, "Newest") is False
    qtbot.waitUntil(lambda: titles(window) == NEWEST_FIRST, timeout=5000)
    # the choice holds while the search is changed...
    QTest.keyClicks(window.search, " OR opera")
    qtbot.waitUntil(lambda: titles(window) == ["Opera night", *NEWEST_FIRST], timeout=5000)
    assert sort.text().startswith("Newest first") and window.search_status.count.text() == "4 results"
    assert choose_order(qtbot, window, "Newest") is True
    loaded(qtbot, window)

    # ...and a new search after clearing it starts by relevance; the list without a search is as it was
    QTest.keyClick(window.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.search_status.count.text() == "4 posts", timeout=5000)
    assert indicator(window) == (COL_DATE, Qt.SortOrder.DescendingOrder) and not sort.isVisible()
    assert titles(window) == ["Opera night", *NEWEST_FIRST]
    type_search(qtbot, window, "kiwi")
    qtbot.waitUntil(lambda: window.search_status.count.text() == "3 results", timeout=5000)
    assert titles(window)[0] == BY_RELEVANCE and sort.text().startswith("Relevance")

    click_header(qtbot, window, COL_TITLE)  # the header's title order works while searching too
    qtbot.waitUntil(lambda: titles(window) == sorted(NEWEST_FIRST), timeout=5000)
    assert sort.text().startswith("Title A–Z") and indicator(window) == (COL_TITLE, Qt.SortOrder.AscendingOrder)


@pytest.mark.qt_log_ignore(MENU_WARNING)
def test_a_search_with_too_many_matches_to_rank_says_it_is_newest_first(qtbot, opened, tmp_path, monkeypatch):
    monkeypatch.setattr(searching, "RANK_LIMIT", 2)  # three matches are then too many to rank
    window = opened_with_posts(qtbot, opened, tmp_path)
    type_search(qtbot, window, "kiwi")
    qtbot.waitUntil(lambda: window.search_status.count.text() == "3 results", timeout=5000)
    assert titles(window) == NEWEST_FIRST
    sort = window.search_status.sort
    assert sort.text().startswith(TOO_MANY) and "newest" in sort.toolTip()
    assert indicator(window) == (COL_DATE, Qt.SortOrder.DescendingOrder)  # the arrow says what the list is
    assert window.posts.grouped  # by date, so in date groups
    assert choose_order(qtbot, window, "Relevance") is True  # what was asked for
