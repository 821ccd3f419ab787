"""Imports in the background, one batch of paths after another (the report is in ``dialogs``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.core.importer import Progress, Summary, import_paths
from desktop.core.library import Library
from desktop.ui.jobs import GeneratorJob
from desktop.ui.settings import Settings


def _import(library_path: Path, paths: list[Path], cancel: threading.Event) -> Iterator[Progress | Summary]:
    """The import as it runs on the job's thread, with a connection of its own (the one writer)."""
    with Library.open(library_path) as library:
        yield from import_paths(library, paths, cancel)


class ImportQueue(QObject):
    """Runs imports one at a time off the GUI thread; paths dropped during an import wait their turn."""

    progress = Signal(object)  # Progress
    file_done = Signal()
    finished = Signal(object)  # Summary
    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library_path = library_path
        self._waiting: list[list[Path]] = []
        self._job: GeneratorJob | None = None
        self._files_done = 0
        self._held = False

    @property
    def busy(self) -> bool:
        """Whether an import is running."""
        return self._job is not None

    @property
    def waiting(self) -> int:
        """Batches queued behind the running one."""
        return len(self._waiting)

    def add(self, paths: list[Path]) -> None:
        """Import ``paths`` now, or after the imports already asked for."""
        if paths:
            self._waiting.append(paths)
            if self._job is None and not self._held:
                self._start_next()

    def cancel(self) -> None:
        """Stop the running import between files and forget the queued ones."""
        self._waiting.clear()
        if self._job is not None:
            self._job.cancel()

    def wait(self) -> None:
        """Block until the running import ends (shutdown and tests)."""
        if self._job is not None:
            self._job.wait()

    def set_held(self, held: bool) -> None:
        """Hold queued imports while another writer (a site's sync) works on the library; one writer at a time."""
        self._held = held
        if not held and self._job is None and self._waiting:
            self._start_next()

    def _start_next(self) -> None:
        paths = self._waiting.pop(0)
        library_path = self._library_path
        job = GeneratorJob(lambda cancel: _import(library_path, paths, cancel), self)
        job.progress.connect(self.on_job_progress)
        job.finished.connect(self.on_job_finished)
        job.failed.connect(self.on_job_failed)
        self._job = job
        self._files_done = 0
        self.busy_changed.emit(True)
        job.start()

    def on_job_progress(self, event: Progress | Summary) -> None:
        """Relay progress; say when another file has been committed."""
        if isinstance(event, Progress):
            self.progress.emit(event)
            if event.files_done > self._files_done:
                self._files_done = event.files_done
                self.file_done.emit()

    def on_job_finished(self, summary: Summary) -> None:
        """The import ended: report it and start the next one, if any."""
        self._end_job()
        self.finished.emit(summary)

    def on_job_failed(self, details: str) -> None:
        """The import broke (a bug, not a bad file: those are in the summary)."""
        self._end_job()
        self.failed.emit(details)

    def _end_job(self) -> None:
        if self._job is not None:
            self._job.wait()
            self._job.deleteLater()
        self._job = None
        if self._waiting:
            self._start_next()
        else:
            self.busy_changed.emit(False)



def choose_files(parent: QWidget, settings: Settings) -> list[Path]:
    """File ▸ Import Files…: the files the user picks (none when cancelled)."""
    start = settings.import_folder or str(Path.home())
    names, _ = QFileDialog.getOpenFileNames(parent, "Import WordPress Files", start,
                                            "WordPress JSON or XML (*.json *.xml);;All files (*)")
    return [Path(name) for name in names]


def choose_folder(parent: QWidget, settings: Settings) -> list[Path]:
    """File ▸ Import Folder…: the folder the user picks, as a list (empty when cancelled)."""
    name = QFileDialog.getExistingDirectory(parent, "Import a Folder of WordPress Files",
                                            settings.import_folder or str(Path.home()))
    return [Path(name)] if name else []
