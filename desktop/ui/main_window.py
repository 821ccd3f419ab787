"""The main window. For now it shows where the library is and what it holds."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from desktop import __version__
from desktop.core.library import Library, LibraryError
from desktop.paths import resource


class MainWindow(QMainWindow):
    """The application window."""

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.setWindowTitle("Article Browser")
        self.setWindowIcon(QIcon(str(resource("icons/article-browser.svg"))))
        count = library.count_posts()
        label = QLabel(
            f"<h2>Article Browser {__version__}</h2>"
            f"<p>The library at <code>{library.path}</code> holds {count:,} posts.</p>"
            "<p>Import WordPress JSON with <code>article-browser import PATH…</code>; "
            "list it with <code>article-browser list</code>.</p>"
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setCentralWidget(label)
        self.resize(900, 600)


def run_window(folder: Path) -> int:
    """Open the library in ``folder`` and run the window until it closes."""
    app = QApplication.instance() or QApplication(sys.argv)
    try:
        library = Library.open(folder)
    except LibraryError as error:
        QMessageBox.critical(None, "Article Browser", str(error))
        return 1
    window = MainWindow(library)
    window.show()
    code = app.exec()
    library.close()
    return code
