from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from desktop.core.library import Library
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.main_window import MainWindow
from desktop.ui.reader import ImageLoader


class Opened:
    """Opens main windows over one library and settings file, and cleans up after the test."""

    def __init__(self, qtbot, tmp_path: Path):
        self.qtbot = qtbot
        self.library = tmp_path / "library"
        self.settings = tmp_path / "settings.ini"
        self.cache = tmp_path / "cache"
        self.windows: list[tuple[MainWindow, LibraryWorker]] = []
        Library.open(self.library).close()

    def window(self, size: tuple[int, int] | None = (1100, 700)) -> MainWindow:
        worker = LibraryWorker(self.library)
        worker.start()
        window = MainWindow(self.library, worker, QSettings(str(self.settings), QSettings.Format.IniFormat),
                            ImageLoader(str(self.cache)))
        self.qtbot.addWidget(window)
        if size is not None:
            window.resize(*size)
        window.show()
        self.qtbot.waitUntil(lambda: window.sidebar_model.rowCount() > 0 or window.pages.currentWidget()
                             is window.empty, timeout=5000)
        self.windows.append((window, worker))
        return window

    def close(self, window: MainWindow) -> None:
        window.close()
        for index, (opened, worker) in enumerate(self.windows):
            if opened is window:
                worker.stop()
                del self.windows[index]
                return


@pytest.fixture
def opened(qtbot, tmp_path):
    helper = Opened(qtbot, tmp_path)
    yield helper
    for window, worker in list(helper.windows):
        window.imports.cancel()
        window.imports.wait()
        window.close()
        worker.stop()


def drop(window: MainWindow, paths: list[Path]) -> None:
    """Drag paths from a file manager onto the middle of the window, as a person would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    handle = window.windowHandle()
    where = QPoint(window.width() // 2, window.height() // 2)
    actions = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for event in (QDragEnterEvent(where, actions, mime, buttons, modifiers),
                  QDragMoveEvent(where, actions, mime, buttons, modifiers),
                  QDropEvent(where.toPointF(), actions, mime, buttons, modifiers)):
        QApplication.sendEvent(handle, event)


def wait_for_import(qtbot, window: MainWindow, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: not window.imports.busy, timeout=timeout)
    qtbot.waitUntil(lambda: not window.posts.loading, timeout=timeout)
