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


class WriterQueue(QObject):
    """The library's one writer: jobs run one request at a time off the GUI thread, later requests wait.

    Imports and syncs are such queues; each makes the job for a request (``work``) and relays its progress
    (``on_job_progress``). While another writer runs, ``set_held(True)`` keeps queued requests waiting.
    """

    finished = Signal(object)  # the job's last value: its summary
    failed = Signal(str)  # a bug's traceback (bad input is in the summary)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._waiting: list[Any] = []
        self._job: GeneratorJob | None = None
        self._held = False

    @property
    def busy(self) -> bool:
        """Whether a job is running."""
        return self._job is not None

    @property
    def waiting(self) -> int:
        """Requests queued behind the running one."""
        return len(self._waiting)

    def cancel(self) -> None:
        """Stop the running job at its next step (what it committed stays) and forget the queued requests."""
        self._waiting.clear()
        if self._job is not None:
            self._job.cancel()

    def wait(self) -> None:
        """Block until the running job ends (shutdown and tests)."""
        if self._job is not None:
            self._job.wait()

    def set_held(self, held: bool) -> None:
        """Hold queued requests while another writer works on the library; one writer at a time."""
        self._held = held
        if not held and self._job is None and self._waiting:
            self._start_next()

    def _enqueue(self, request: Any) -> None:
        self._waiting.append(request)
        if self._job is None and not self._held:
            self._start_next()

    def work(self, request: Any) -> Callable[[threading.Event], Iterator[Any]]:
        """The generator factory that carries out ``request`` on the job's thread."""
        raise NotImplementedError

    def on_job_progress(self, event: Any) -> None:
        """A value the running job yielded."""

    def _start_next(self) -> None:
        job = GeneratorJob(self.work(self._waiting.pop(0)), self)
        job.progress.connect(self.on_job_progress)
        job.finished.connect(self.on_job_finished)
        job.failed.connect(self.on_job_failed)
        self._job = job
        self.busy_changed.emit(True)
        job.start()

    def on_job_finished(self, summary: Any) -> None:
        """The job ended: report it and start the next request, if any."""
        self._end_job()
        self.finished.emit(summary)

    def on_job_failed(self, details: str) -> None:
        """The job broke (a bug, not bad input)."""
        self._end_job()
        self.failed.emit(details)

    def _end_job(self) -> None:
        if self._job is not None:
            self._job.wait()
            self._job.deleteLater()
        self._job = None
        if self._waiting and not self._held:
            self._start_next()
        else:
            self.busy_changed.emit(False)
