"""Run a core generator off the GUI thread and turn what it yields into Qt signals."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal


class GeneratorJob(QObject):
    """Runs ``make(cancel)`` on its own thread; each yielded value is emitted as ``progress``.

    ``make`` receives a ``threading.Event`` that ``cancel()`` sets; the generator checks it between steps.
    The last value yielded is emitted again as ``finished``. An exception is emitted as ``failed`` with its
    traceback text; it never reaches the event loop.
    """

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, make: Callable[[threading.Event], Iterator[Any]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make = make
        self._cancel = threading.Event()
        self._thread = QThread()
        self._thread.setObjectName("generator-job")
        self._thread.run = self._run  # type: ignore[method-assign]

    def start(self) -> None:
        """Start the work on the job's thread."""
        self._thread.start()

    def cancel(self) -> None:
        """Ask the generator to stop at its next step."""
        self._cancel.set()

    def wait(self, milliseconds: int = -1) -> bool:
        """Block until the thread ends (tests and shutdown only)."""
        return self._thread.wait() if milliseconds < 0 else self._thread.wait(milliseconds)

    def _run(self) -> None:
        last: Any = None
        try:
            generator = self._make(self._cancel)
            for last in generator:
                self.progress.emit(last)
        except Exception:  # the job's owner shows it; the GUI must never die of it
            self.failed.emit(traceback.format_exc())
            return
        self.finished.emit(last)
