"""Imports in the background, one batch of paths after another (the report is in ``dialogs``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.core.importer import Progress, Summary, import_paths
from desktop.core.library import Library
from desktop.ui.jobs import WriterQueue
from desktop.ui.settings import Settings


def _import(library_path: Path, paths: list[Path], cancel: threading.Event) -> Iterator[Progress | Summary]:
    """The import as it runs on the job's thread, with a connection of its own (the one writer)."""
    with Library.open(library_path) as library:
        yield from import_paths(library, paths, cancel)


class ImportQueue(WriterQueue):
    """Runs imports one at a time off the GUI thread; paths dropped during an import wait their turn."""

    progress = Signal(object)  # Progress
    file_done = Signal()  # another file has been committed

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library_path = library_path
        self._files_done = 0

    def add(self, paths: list[Path]) -> None:
        """Import ``paths`` now, or after the imports already asked for."""
        if paths:
            self._enqueue(paths)

    def work(self, request: list[Path]) -> Callable[[threading.Event], Iterator[Progress | Summary]]:
        """The import of ``request``'s paths."""
        library_path = self._library_path
        self._files_done = 0
        return lambda cancel: _import(library_path, request, cancel)

    def on_job_progress(self, event: Progress | Summary) -> None:
        """Relay progress; say when another file has been committed."""
        if isinstance(event, Progress):
            self.progress.emit(event)
            if event.files_done > self._files_done:
                self._files_done = event.files_done
                self.file_done.emit()


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
