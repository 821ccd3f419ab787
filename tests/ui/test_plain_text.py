"""Text from data is shown as text: a title, term, author, host or file name that looks like markup never makes
Qt load what it names (FACTS.md: QLabel, QMessageBox and tooltips guess rich text and read local files)."""

import ctypes
import ctypes.util
import os
import sys

import pytest
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip

from desktop.ui.post_list import COL_AUTHOR, COL_CATEGORIES, COL_DATE, COL_TITLE
from desktop.ui.sidebar import NODE_KEY_ROLE
from tests.conftest import post, write_json
from tests.ui.conftest import wait_for_import

IN_ACCESS, IN_OPEN = 0x1, 0x20
HOSTILE = '<img src="canary.png"><b>x</b>'  # relative: resolved against the working directory


class OpenWatch:
    """Reports every open or read of one file, by any part of this process (Linux inotify)."""

    def __init__(self, path):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK)
        if self.fd < 0 or libc.inotify_add_watch(self.fd, str(path).encode(), IN_OPEN | IN_ACCESS) < 0:
            raise OSError(ctypes.get_errno(), "inotify")

    def opened(self) -> bool:
        try:
            return bool(os.read(self.fd, 4096))
        except BlockingIOError:
            return False

    def close(self):
        os.close(self.fd)


@pytest.fixture
def canary(tmp_path, monkeypatch):
    if not sys.platform.startswith("linux"):
        pytest.skip("the open watch uses Linux inotify")
    path = tmp_path / "canary.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    monkeypatch.chdir(tmp_path)
    watch = OpenWatch(path)
    path.read_bytes()
    assert watch.opened(), "the watch itself must see an open"
    yield watch
    watch.close()


def _hover(qtbot, view, index=None):
    """Ask a view for the tooltip of ``index`` (or a widget for its own), as resting the mouse there does."""
    target = view.viewport() if index is not None else view
    point = view.visualRect(index).center() if index is not None else view.rect().center()
    QApplication.sendEvent(target, QHelpEvent(QEvent.Type.ToolTip, point, target.mapToGlobal(point)))
    qtbot.wait(20)
    QToolTip.hideText()


def test_hostile_text_never_opens_a_local_file(qtbot, opened, tmp_path, canary):
    escaped = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    hostile = post(1, link=f"https://{HOSTILE}/one/", title={"rendered": escaped}, categories=[3], author=7,
                   date="2024-03-01T10:00:00", content={"rendered": '<p>text <img src="https://example.net/a.png">'
                                                        "</p>", "protected": False})
    terms = [{"id": 3, "name": escaped, "slug": "c", "taxonomy": "category", "parent": 0,
              "link": f"https://{HOSTILE}/c/"}]
    users = [{"id": 7, "name": escaped, "slug": "u", "link": f"https://{HOSTILE}/author/u/"}]
    folder = tmp_path / "data"
    folder.mkdir()
    files = [write_json(folder / "posts.json", [hostile]), write_json(folder / "categories.json", terms),
             write_json(folder / "users.json", users), write_json(folder / "other.json", [post(2, site="b.org")]),
             write_json(folder / '<img src="canary.png">.json', {"not": "wordpress"})]
    window = opened.window()
    window.import_paths(files)
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: window.import_status.report is not None and window.import_status.report.isVisible())
    window.grab()
    window.import_status.report.grab()
    assert not canary.opened(), "the import report or status bar"

    row = next(r for r in range(window.posts.rowCount()) if window.posts.post(r) and window.posts.post(r).wp_id == 1)
    assert window.posts.post(row).title == HOSTILE
    window.post_list.selectRow(row)
    qtbot.waitUntil(lambda: window.reader_pane.images_bar.isVisible())
    window.grab()
    assert not canary.opened(), "the list, sidebar or images bar"

    for column in (COL_DATE, COL_TITLE, COL_CATEGORIES, COL_AUTHOR):
        _hover(qtbot, window.post_list, window.posts.index(row, column))
    for key in ("all", "term:"):
        index = window.sidebar_model.index_of(key) if key == "all" else _term_index(window)
        window.sidebar.scrollTo(index)
        _hover(qtbot, window.sidebar, index)
    _hover(qtbot, window.import_status.report_button)
    assert not canary.opened(), "a tooltip"

    window.sidebar.setCurrentIndex(_term_index(window))
    qtbot.waitUntil(lambda: not window.posts.loading)
    window.search.setText("nothingmatchesthis")
    window.on_search()
    qtbot.waitUntil(lambda: window.post_list.message.isVisible())
    assert HOSTILE in window.post_list.message.text()
    window.grab()
    assert not canary.opened(), "the message over an empty list"

    window.search.clear()
    window.on_search()
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.rowCount() == 1)
    window.post_list.selectRow(0)
    seen = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        seen.append(box.text())
        box.grab()
        box.reject()

    QTimer.singleShot(0, answer)
    window.post_actions.on_delete()
    assert seen and HOSTILE in seen[0]
    assert not canary.opened(), "the delete confirmation"
    assert window.posts.rowCount() == 1  # cancelled: nothing deleted


def _term_index(window):
    for key in _keys(window.sidebar_model):
        if key.startswith("term:"):
            return window.sidebar_model.index_of(key)
    raise AssertionError("no category in the sidebar")


def _keys(model):
    stack = [model.index(r, 0) for r in range(model.rowCount())]
    while stack:
        index = stack.pop()
        yield model.data(index, NODE_KEY_ROLE)
        stack.extend(model.index(r, 0, index) for r in range(model.rowCount(index)))
