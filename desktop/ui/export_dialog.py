"""File ▸ Export…: which posts, which format, where; then progress and Cancel while the export runs.

The export itself is the core's generator (``desktop.core.export``), run by ``GeneratorJob`` on its own thread
with its own library connection; PDF uses ``export_pdf.PdfWriter`` through the same runner.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.export import ExportProgress, ExportResult, make_writer, run_export, selected_entries
from desktop.core.export.runner import RecordWriter, Writer
from desktop.core.export.titles import DEFAULT_TITLE, ExportSource, export_sources
from desktop.core.library import Library, LibraryError, PostFilter
from desktop.ui.export_images import image_policy
from desktop.ui.export_pdf import PdfWriter
from desktop.ui.jobs import GeneratorJob


@dataclass(frozen=True)
class FormatChoice:
    """One entry of the format list: the core's format name and the file suffix ("" for a folder)."""

    label: str
    format: str
    suffix: str


FORMATS = (
    FormatChoice("EPUB book", "epub", ".epub"),
    FormatChoice("PDF", "pdf", ".pdf"),
    FormatChoice("HTML, one file", "html", ".html"),
    FormatChoice("HTML, a folder with an index", "html", ""),
    FormatChoice("Markdown, a file per post (folder)", "md", ""),
    FormatChoice("Markdown, one file", "md", ".md"),
    FormatChoice("JSON, as imported (re-importable)", "json", ".json"),
)


@dataclass(frozen=True)
class Request:
    """What to export: ``ids`` when given, else the posts of ``flt``."""

    ids: tuple[int, ...]
    flt: PostFilter | None
    choice: FormatChoice
    output: Path
    title: str


def run_request(library_path: Path, request: Request, settings_path: Path | None, cache_folder: Path | None,
                cancel: threading.Event) -> Iterator[ExportProgress | ExportResult]:
    """The export as it runs on the job's thread: its own connection, image cache and writer."""
    with Library.open(library_path, create=False) as library:
        images = image_policy(settings_path, cache_folder)
        entries = selected_entries(library, ids=request.ids, flt=request.flt)
        if request.choice.format == "json":
            entries.sort(key=lambda entry: entry.id)  # import order: a re-import gives the same ids
        writer: Writer | RecordWriter = PdfWriter(request.title) if request.choice.format == "pdf" else \
            make_writer(library, request.choice.format, request.output, request.title)  # type: ignore[arg-type]
        yield from run_export(library, entries, writer, request.output, images=images, cancel=cancel)


def _read_sources(library_path: Path, selected_ids: Sequence[int], current: PostFilter) -> list[ExportSource] | None:
    """What the dialog offers, read with a connection of its own (on the job's thread)."""
    try:
        with Library.open(library_path, create=False) as library:
            return export_sources(library, selected_ids, current)
    except LibraryError:
        return None


def show_export_dialog(parent: QWidget, library_path: Path, selected_ids: Sequence[int], current: PostFilter,
                       settings_path: Path | None, cache_folder: Path | None) -> ExportDialog:
    """Open File ▸ Export… over ``parent`` (window-modal); the dialog deletes itself when closed."""
    dialog = ExportDialog(library_path, selected_ids, current, settings_path=settings_path,
                          cache_folder=cache_folder, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class ExportDialog(QDialog):
    """Export the selected posts, the current list or a saved search.

    The title starts as what is exported is called (the category, ``Search: words``, the saved search…) and
    follows the choice of what to export until the user types a title of their own.
    """

    def __init__(self, library_path: Path, selected_ids: Sequence[int], current: PostFilter, *,
                 settings_path: Path | None = None, cache_folder: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self._library_path = library_path
        self._settings_path = settings_path
        self._cache_folder = cache_folder
        self.job: GeneratorJob | None = None
        self.outcome: ExportResult | None = None

        self.what = QComboBox()
        self._sources: list[ExportSource] = []
        self.format = QComboBox()
        for choice in FORMATS:
            self.format.addItem(choice.label)
        self.title = QLineEdit(DEFAULT_TITLE)
        self.destination = QLineEdit()
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.on_choose_clicked)
        where = QHBoxLayout()
        where.addWidget(self.destination, 1)
        where.addWidget(choose)
        form = QFormLayout()
        form.addRow("Export:", self.what)
        form.addRow("Format:", self.format)
        form.addRow("Title:", self.title)
        form.addRow("Save to:", where)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # post titles and paths come from data
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.on_export_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self.on_format_changed)
        self.what.currentIndexChanged.connect(self.on_source_changed)
        self._suggested = self.title.text()
        self._show_sources(export_sources(None, selected_ids, current))
        self.on_format_changed()
        self.resize(520, self.sizeHint().height())
        # The saved searches and the titles need queries: read on a thread of their own, never the GUI's.
        self.sources_ready = False
        path = library_path
        self._sources_job: GeneratorJob | None = GeneratorJob(
            lambda cancel: iter([_read_sources(path, selected_ids, current)]), self)
        self._sources_job.finished.connect(self.on_sources_read)
        self._sources_job.failed.connect(lambda _: self.on_sources_read(None))
        self._sources_job.start()

    def _show_sources(self, sources: list[ExportSource]) -> None:
        """Offer ``sources``; the title follows the first unless the user typed one."""
        self._sources = sources
        self.what.blockSignals(True)
        self.what.clear()
        self.what.addItems([source.label for source in sources])
        self.what.setCurrentIndex(0)
        self.what.blockSignals(False)
        self.on_source_changed()

    def on_sources_read(self, sources: list[ExportSource] | None) -> None:
        """The library's sources arrived (None: it could not be read; the export itself will say why)."""
        if self._sources_job is not None:
            self._sources_job.wait()
            self._sources_job = None
        if sources and self.job is None:
            self._show_sources(sources)
        self.sources_ready = True

    def on_source_changed(self) -> None:
        """Another choice of what to export: its title, unless the user typed one."""
        if self.title.text().strip() in (self._suggested, "") and self._sources:
            self._suggested = self._sources[self.what.currentIndex()].title
            self.title.setText(self._suggested)

    @property
    def choice(self) -> FormatChoice:
        """The format chosen."""
        return FORMATS[self.format.currentIndex()]

    def on_format_changed(self) -> None:
        """Suggest a destination with the format's suffix (keeping the name the user typed)."""
        current = self.destination.text().strip()
        if current:
            base = Path(current)
            stem = base.name[: -len(base.suffix)] if base.suffix else base.name
            folder = base.parent
        else:
            stem = "Articles"
            folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or
                          Path.home())
        self.destination.setText(str(folder / (stem + self.choice.suffix)))

    def on_choose_clicked(self) -> None:
        """Pick the file (or, for folder formats, the new folder's place and name)."""
        current = self.destination.text()
        if self.choice.suffix:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", current, f"*{self.choice.suffix}")
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to a new folder named", current)
        if path:
            self.destination.setText(path)

    def on_export_clicked(self) -> None:
        """Start the export on its own thread."""
        text = self.destination.text().strip()
        if not text:
            self.status.setText("Choose where to save the export.")
            return
        source = self._sources[self.what.currentIndex()]
        title = self.title.text().strip() or source.title
        request = Request(source.ids, source.flt, self.choice, Path(text).expanduser(), title)
        args = (self._library_path, request, self._settings_path, self._cache_folder)
        self.job = GeneratorJob(lambda cancel: run_request(*args, cancel), self)
        self.job.progress.connect(self.on_job_progress)
        self.job.finished.connect(self.on_job_finished)
        self.job.failed.connect(self.on_job_failed)
        self.export_button.setEnabled(False)
        for widget in (self.what, self.format, self.title, self.destination):
            widget.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText("Preparing…")
        self.job.start()

    def on_job_progress(self, event: ExportProgress | ExportResult) -> None:
        """Show how far the export has got."""
        if isinstance(event, ExportProgress):
            self.progress.setRange(0, event.total)
            self.progress.setValue(event.done)
            self.status.setText(f"{event.done} of {event.total}: {event.title}")

    def on_job_finished(self, result: ExportResult | None) -> None:
        """Say what was written, or why nothing was."""
        self.job = None
        self.outcome = result if isinstance(result, ExportResult) else None
        self.progress.setVisible(False)
        if self.outcome is None:
            self.status.setText("Nothing was exported.")
        elif self.outcome.ok:
            images = f", with {self.outcome.images} images from the cache" if self.outcome.images else ""
            self.status.setText(f"Exported {self.outcome.posts} posts{images} to {self.outcome.path}")
        elif self.outcome.cancelled:
            self.status.setText("Export cancelled; nothing was written.")
        else:
            self.status.setText(f"The export failed: {self.outcome.error}")
        self._finished_buttons(ok=self.outcome is not None and self.outcome.ok)

    def on_job_failed(self, trace: str) -> None:
        """An unexpected error: its last line, and nothing left under the destination's name."""
        self.job = None
        self.progress.setVisible(False)
        self.status.setText("The export failed: " + trace.strip().splitlines()[-1])
        self._finished_buttons(ok=False)

    def _finished_buttons(self, ok: bool) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        self.export_button.setEnabled(not ok)
        for widget in (self.what, self.format, self.title, self.destination):
            widget.setEnabled(not ok)

    def reject(self) -> None:
        """Cancel a running export (it removes what it wrote) before closing."""
        if self._sources_job is not None:
            self._sources_job.wait()
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        super().reject()
