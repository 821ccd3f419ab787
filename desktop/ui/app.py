"""Start the GUI: hand files to a running instance, or check the library and open the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Signal
from PySide6.QtGui import QFileOpenEvent, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop import logs
from desktop.core.library import LibraryError
from desktop.paths import resource
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.main_window import MainWindow
from desktop.ui.opening import open_library
from desktop.ui.single_instance import InstanceError, InstanceServer, claim, server_name


class FileOpenForwarder(QObject):
    """macOS sends the files a user opens with the app (Finder, Dock) as QFileOpenEvent to the application."""

    files = Signal(list)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Forward a file-open event's path."""
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent) and event.file():
            self.files.emit([Path(event.file())])
            return True
        return False


class CrashReporter(QObject):
    """Shows an uncaught exception's message on the GUI thread, whichever thread raised it."""

    crashed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__()
        self._parent = parent
        self.crashed.connect(self.on_crashed)

    def on_crashed(self, text: str) -> None:
        """A friendly dialog; the traceback is in the log."""
        QMessageBox.critical(self._parent, "Article Browser", text)


def start(library_path: Path, settings_path: Path, files: list[Path]) -> int:
    """Run the application until its window closes; returns the exit code."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    app.setApplicationName("Article Browser")
    app.setDesktopFileName("io.github.articlebrowser.ArticleBrowser")
    app.setWindowIcon(QIcon(str(resource("icons/article-browser.svg"))))
    try:
        name: str | None = server_name(library_path)
    except (InstanceError, OSError):  # no private folder for the socket: open the window all the same
        name = None
    try:
        instance = claim(name, files) if name is not None else None  # held (locked) until the app ends
    except InstanceError as error:
        QMessageBox.critical(None, "Article Browser", str(error))
        return 1
    if name is not None and instance is None:
        return 0  # the running window imports them and comes to the front
    # Listen at once: launches in the meantime connect and write; their files are read once the window runs.
    server = InstanceServer(name, app) if name is not None else None
    log_path = logs.setup()
    logs.log.info("starting with the library in %s", library_path)
    try:  # create, upgrade or refuse it before the window shows, off the GUI thread (an upgrade takes a while)
        read_only = open_library(library_path)
    except LibraryError as error:
        logs.log.error("%s", error)
        QMessageBox.critical(None, "Article Browser", str(error))
        return 1
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    worker = LibraryWorker(library_path)
    worker.start()
    window = MainWindow(library_path, worker, settings)
    reporter = CrashReporter(window)
    logs.install_crash_handler(reporter.crashed.emit, log_path)
    if server is not None:
        server.files_received.connect(window.on_files_from_another_launch)
    opener = FileOpenForwarder(app)
    opener.files.connect(window.on_files_from_another_launch)
    app.installEventFilter(opener)
    window.show()
    if read_only:
        window.setWindowTitle(f"{window.windowTitle()} (read-only)")
        window.statusBar().showMessage("This library is read-only: browse it; imports and reading marks are not saved.")
    window.import_paths(files)
    code = app.exec()
    worker.stop()
    logs.log.info("closed")
    return int(code)
