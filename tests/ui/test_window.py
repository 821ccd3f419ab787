from PySide6.QtCore import QObject

from desktop.core.library import Library
from desktop.ui.main_window import MainWindow


def test_pyside_void_calls_do_not_crash_the_interpreter():
    # PySide6 6.12.0 on Python 3.11 leaked a reference to None per void call and aborted (FACTS.md).
    obj = QObject()
    for i in range(20_000):
        obj.setObjectName(f"n{i % 10}")
    assert obj.objectName() == "n9"


def test_window_shows_the_library(qtbot, tmp_path):
    with Library.open(tmp_path) as library:
        window = MainWindow(library)
        qtbot.addWidget(window)
        window.show()
        assert window.windowTitle() == "Article Browser"
        assert "holds 0 posts" in window.centralWidget().text()
        assert not window.windowIcon().isNull()
