"""Opening the library at start-up off the GUI thread, with a word on screen when it takes a while.

Opening a library from an older version upgrades it first; rebuilding the search index of 100,000 posts takes
seconds. The window must not sit frozen and silent meanwhile, so the open runs on a job's thread and a small
window says what is happening if it lasts longer than a blink. A normal open takes milliseconds and shows
nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop.core.library import Library, LibraryError
from desktop.ui.jobs import GeneratorJob

SHOW_AFTER_MS = 400  # a normal open is over long before this: no window flashes by


class OpeningWindow(QWidget):
    """"Opening the library…" with a busy bar; it cannot be closed (the upgrade runs on, in one transaction)."""

    def __init__(self, path: Path) -> None:
        super().__init__(None, Qt.WindowType.Dialog)
        self.setWindowTitle("Article Browser")
        self.setAccessibleName("Opening the library")
        layout = QVBoxLayout(self)
        title = QLabel("Opening the library…")
        title.setTextFormat(Qt.TextFormat.PlainText)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        detail = QLabel("A library from an older version of Article Browser is upgraded first; for a large "
                        f"library this can take a minute.\n\n{path}")
        detail.setTextFormat(Qt.TextFormat.PlainText)
        detail.setWordWrap(True)
        bar = QProgressBar()
        bar.setRange(0, 0)  # no steps to count: busy
        bar.setTextVisible(False)
        for widget in (title, detail, bar):
            layout.addWidget(widget)
        self.setMinimumWidth(420)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Stay: the library is opened all the same, and the window follows."""
        event.ignore()


class _Outcome(QObject):
    """Receives the job's answer on the GUI thread and ends the wait."""

    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.value: object = None
        self.error: str | None = None

    def on_finished(self, value: object) -> None:
        """The open ended: ``value`` is the library's read-only flag or the ``LibraryError`` that refused it."""
        self.value = value
        self.loop.quit()

    def on_failed(self, details: str) -> None:
        """The open raised something other than ``LibraryError`` (a bug): its traceback."""
        self.error = details
        self.loop.quit()


def _open(path: Path, _cancel: threading.Event) -> Iterator[bool | LibraryError]:
    """Open, upgrade and close the library; yield whether it is read-only, or why it cannot be used."""
    try:
        with Library.open(path) as library:
            yield library.read_only
    except LibraryError as error:
        yield error


def open_library(path: Path, show_after_ms: int = SHOW_AFTER_MS) -> bool:
    """Create, check and upgrade the library at ``path`` on another thread; returns whether it is read-only.

    The GUI thread keeps running meanwhile (it waits in an event loop), and after ``show_after_ms`` a small
    window says the library is being opened. Raises ``LibraryError`` when the library cannot be used.
    """
    loop = QEventLoop()
    outcome = _Outcome(loop)
    job = GeneratorJob(lambda cancel: _open(path, cancel))
    job.finished.connect(outcome.on_finished)
    job.failed.connect(outcome.on_failed)
    window = OpeningWindow(path)
    timer = QTimer(singleShot=True, interval=show_after_ms)
    timer.timeout.connect(window.show)
    timer.start()
    job.start()
    while outcome.value is None and outcome.error is None:
        loop.exec()  # an application quit can end it early: wait on for the answer
    timer.stop()
    window.hide()
    window.deleteLater()
    job.wait()
    if outcome.error is not None:
        raise RuntimeError(f"opening the library failed:\n{outcome.error}")
    if isinstance(outcome.value, LibraryError):
        raise outcome.value
    return bool(outcome.value)
