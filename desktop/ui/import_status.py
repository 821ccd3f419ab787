"""The import's place in the status bar: progress while it runs, and the last import's report after it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from desktop.core.importer import Progress, Summary
from desktop.ui.dialogs import ImportReport
from desktop.ui.text import plain_label, tooltip


class ImportStatus(QWidget):
    """Progress label, bar and Cancel while importing; a button that reopens the last import's report."""

    cancel = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = plain_label()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(180)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.report_button = QPushButton("Last Import…")
        self.report_button.setFlat(True)
        self.report_button.clicked.connect(self.show_report)
        self.report_button.hide()
        self.summary: Summary | None = None
        self.report: ImportReport | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.report_button, self.label, self.bar, self.cancel_button):
            layout.addWidget(widget)
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        """Show the progress widgets while an import runs."""
        for widget in (self.label, self.bar, self.cancel_button):
            widget.setVisible(busy)
        if busy:
            self.bar.setRange(0, 0)
            self.label.setText("Importing…")

    def on_progress(self, event: Progress) -> None:
        """Files and posts so far."""
        self.bar.setRange(0, max(event.files_total, 1))
        self.bar.setValue(event.files_done)
        self.label.setText(f"Importing {min(event.files_done + 1, event.files_total)} of "
                           f"{event.files_total} files · {event.posts_done:,} posts")

    def finished(self, summary: Summary) -> None:
        """Keep the summary reachable; open the report at once when anything failed or was skipped.

        While a report is still open, the next import's files join it instead of replacing what it explains.
        """
        if self.summary is not None and self.report is not None and self.report.isVisible():
            summary = Summary([*self.summary.files, *summary.files])
        self.summary = summary
        self.report_button.setToolTip(tooltip(summary.headline()) or "")
        self.report_button.show()
        if any(f.status in ("failed", "skipped", "cancelled") for f in summary.files):
            self.show_report()

    def show_report(self) -> None:
        """Open (or bring back) the report of the last import."""
        if self.summary is None:
            return
        if self.report is not None:
            self.report.close()
        self.report = ImportReport(self.summary, self.window())
        self.report.show()
