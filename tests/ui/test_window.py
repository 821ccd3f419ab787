import json

from PySide6.QtCore import QObject, Qt
from PySide6.QtTest import QAbstractItemModelTester, QTest

from desktop.core.library import Library
from desktop.ui.post_list import COL_TITLE
from tests.conftest import post, write_json
from tests.ui.conftest import drop, wait_for_import


def test_pyside_void_calls_do_not_crash_the_interpreter():
    # PySide6 6.12.0 on Python 3.11 leaked a reference to None per void call and aborted (FACTS.md).
    obj = QObject()
    for i in range(20_000):
        obj.setObjectName(f"n{i % 10}")
    assert obj.objectName() == "n9"


def titles(window):
    rows = (window.posts.post(r) for r in range(window.posts.rowCount()))
    return [row.title for row in rows if row is not None]


def select_node(qtbot, window, key):
    qtbot.waitUntil(lambda: window.sidebar_model.index_of(key).isValid())
    index = window.sidebar_model.index_of(key)
    window.sidebar.setCurrentIndex(index)
    qtbot.waitUntil(lambda: not window.posts.loading)


def test_empty_library_says_how_to_begin(opened):
    window = opened.window()
    assert window.pages.currentWidget() is window.empty
    assert "Drop WordPress JSON or XML files or folders here" in window.empty.text()
    assert window.windowTitle() == "Article Browser" and not window.windowIcon().isNull()


def test_drop_of_real_files_fills_the_list_and_reader(qtbot, opened, seed, corpus):
    window = opened.window()
    drop(window, [corpus, seed])
    wait_for_import(qtbot, window)
    assert window.pages.currentWidget() is window.split
    with Library.open(opened.library) as library:
        expected = library.count_posts()
    assert expected > 200 and window.posts.total == expected
    assert window.statusBar().currentMessage().startswith("Imported ")
    # the corpus holds comments, revisions and settings, reported as skipped
    assert window.import_status.report.isVisible()
    qtbot.waitUntil(lambda: window.sidebar_model.index_of("categories").isValid())
    window.search.setText("NATO")
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.total == 1, timeout=3000)
    window.post_list.selectRow(0)
    qtbot.waitUntil(lambda: "Russia suspends its mission at NATO" in window.reader.toPlainText())
    assert "Lavrov added that contacts" in window.reader.toPlainText()
    qtbot.waitUntil(lambda: window.posts.post(0).read)  # opening a post marks it read
    QTest.keyClick(window.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.total == expected, timeout=3000)


def test_bad_file_is_reported_and_the_library_is_untouched(qtbot, opened, seed, tmp_path):
    window = opened.window()
    drop(window, [seed])
    wait_for_import(qtbot, window)
    bad = tmp_path / "page-3.json"
    bad.write_text("[" + json.dumps(post(1)) + ", {\"id\": 2 \"x\": 1}]", encoding="utf-8")
    drop(window, [bad])
    wait_for_import(qtbot, window)
    assert window.import_status.report.isVisible()
    assert "page-3.json: invalid JSON at line 1, column" in window.import_status.report.text
    assert window.posts.total == 1
    assert "1 failed" in window.statusBar().currentMessage()


def test_sidebar_filters_and_search_combine(qtbot, opened, tmp_path):
    cats = [{"id": 3, "name": "Science", "slug": "science", "taxonomy": "category", "parent": 0,
             "link": "https://example.com/c/science/"},
            {"id": 4, "name": "Space", "slug": "space", "taxonomy": "category", "parent": 3,
             "link": "https://example.com/c/space/"},
            {"id": 5, "name": "Arts", "slug": "arts", "taxonomy": "category", "parent": 0,
             "link": "https://example.com/c/arts/"}]
    posts = [post(1, categories=[3], title={"rendered": "Microbes"}),
             post(2, categories=[4], title={"rendered": "Mars rover"}, date_gmt="2023-05-01T10:00:00"),
             post(3, categories=[5], title={"rendered": "Opera"}),
             post(4, title={"rendered": "Loose note"})]
    window = opened.window()
    window.import_paths([write_json(tmp_path / "cats.json", cats), write_json(tmp_path / "posts.json", posts)])
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: window.sidebar_model.index_of("uncategorized").isValid())
    science = window.library_path and window.sidebar_model.index_of(
        next(k for k in _keys(window) if window.sidebar_model.node(window.sidebar_model.index_of(k)).label
             == "Science"))
    window.sidebar.setCurrentIndex(science)
    qtbot.waitUntil(lambda: not window.posts.loading and sorted(titles(window)) == ["Mars rover", "Microbes"])
    window.search.setText("mars")
    qtbot.waitUntil(lambda: not window.posts.loading and titles(window) == ["Mars rover"], timeout=3000)
    window.search.setText("opera")
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.total == 0, timeout=3000)
    message = window.post_list.message
    assert message.isVisible() and "Nothing matches “opera” in Science" in message.text()
    window.search.clear()
    select_node(qtbot, window, "uncategorized")
    assert titles(window) == ["Loose note"]
    select_node(qtbot, window, "month:2023-05")
    assert titles(window) == ["Mars rover"]


def _keys(window):
    keys = []
    stack = list(window.browsing.nodes)
    while stack:
        node = stack.pop()
        keys.append(node.key)
        stack.extend(node.children)
    return keys


def test_post_list_model_passes_the_model_tester(qtbot, qtmodeltester, opened, tmp_path):
    # Warning mode: a broken model fails this test (qt_log_level_fail), not the whole run.
    window = opened.window()
    qtmodeltester.check(window.posts)
    window.import_paths([write_json(tmp_path / f"p{i}.json", [post(i * 1000 + j) for j in range(150)])
                         for i in range(3)])
    wait_for_import(qtbot, window)
    assert window.posts.total == 450 and window.posts.rowCount() < 450  # rows arrive a page at a time
    for _ in range(3):
        window.post_list.scrollToBottom()
        qtbot.wait(50)
    qtbot.waitUntil(lambda: len(titles(window)) == 450)
    window.post_list.sortByColumn(COL_TITLE, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not window.posts.loading and titles(window)[0] == "Post number 0")


def test_sidebar_model_passes_the_model_tester(qtbot, opened, tmp_path):
    window = opened.window()
    tester = QAbstractItemModelTester(window.sidebar_model, QAbstractItemModelTester.FailureReportingMode.Warning)
    window.import_paths([write_json(tmp_path / "p.json", [post(1, categories=[3]), post(2, site="other.org")])])
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: window.sidebar_model.rowCount() > 3)
    assert tester


def test_keyboard_star_unread_and_next(qtbot, opened, tmp_path):
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [post(i) for i in range(1, 4)])])
    wait_for_import(qtbot, window)
    window.post_list.setFocus()
    QTest.keyClick(window.post_list, Qt.Key.Key_J)
    assert window.post_list.currentIndex().row() == 0
    QTest.keyClick(window.post_list, Qt.Key.Key_J)
    assert window.post_list.currentIndex().row() == 1
    QTest.keyClick(window.post_list, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.posts.post(1).starred)
    qtbot.waitUntil(lambda: window.posts.post(1).read)
    QTest.keyClick(window.post_list, Qt.Key.Key_U)
    qtbot.waitUntil(lambda: not window.posts.post(1).read)
    QTest.keyClick(window.post_list, Qt.Key.Key_K)
    assert window.post_list.currentIndex().row() == 0
    QTest.keyClick(window.post_list, Qt.Key.Key_Space)  # a short post: Space moves on to the next one
    assert window.post_list.currentIndex().row() == 1
    with Library.open(opened.library) as library:
        assert library.state_counts()["starred"] == 1


def test_a_drop_during_an_import_waits_its_turn(qtbot, opened, tmp_path):
    window = opened.window()
    first = [write_json(tmp_path / f"a{i}.json", [post(i * 100 + j) for j in range(100)]) for i in range(4)]
    second = write_json(tmp_path / "b.json", [post(9999)])
    drop(window, first)
    drop(window, [second])
    assert window.imports.busy and window.imports.waiting == 1
    wait_for_import(qtbot, window)
    assert window.posts.total == 401


def test_settings_survive_a_restart(qtbot, opened, tmp_path):
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [post(i) for i in range(1, 6)])])
    wait_for_import(qtbot, window)
    window.resize(700, 500)  # within the offscreen screen (800×600), so nothing clamps it
    select_node(qtbot, window, "year:2024")
    window.post_list.selectRow(2)
    chosen = window.posts.post(2).id
    opened.close(window)

    again = opened.window(size=None)
    qtbot.waitUntil(lambda: not again.posts.loading and again.posts.rowCount() > 0)
    assert (again.size().width(), again.size().height()) == (700, 500)
    assert again.sidebar_model.data(again.sidebar.currentIndex(), Qt.ItemDataRole.UserRole + 1) == "year:2024"
    qtbot.waitUntil(lambda: [p.id for p in again.selected_posts()] == [chosen])
