"""Start the GUI: check the library, then the worker, the window and the event loop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.core.library import Library, LibraryError
from desktop.paths import resource
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.main_window import MainWindow


def start(library_path: Path, settings_path: Path, files: list[Path]) -> int:
    """Run the application until its window closes; returns the exit code."""
    app = QApplication.instance() or QApplication([])
    app.setApplicationName("Article Browser")
    app.setWindowIcon(QIcon(str(resource("icons/article-browser.svg"))))
    try:
        Library.open(library_path).close()  # create it, or refuse it before any window shows
    except LibraryError as error:
        QMessageBox.critical(None, "Article Browser", str(error))
        return 1
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    worker = LibraryWorker(library_path)
    worker.start()
    window = MainWindow(library_path, worker, settings)
    window.show()
    window.import_paths(files)
    code = app.exec()
    worker.stop()
    return int(code)
