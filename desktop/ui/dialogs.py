"""The window's dialogs: the import report, the raw view, the delete confirmation, About, renaming.

Every text that comes from data (titles, paths, file names, reasons) is shown as plain text.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.core.importer import Summary
from desktop.ui.text import plain_label, tooltip


def report_headline(summary: Summary) -> str:
    """One sentence on what happened: ``2 files could not be imported; 5 had nothing to import.``."""
    counts = summary.totals()
    parts = []
    for key, verb in (("files_failed", "could not be imported"), ("files_skipped", "had nothing to import"),
                      ("files_cancelled", "stopped when the import was cancelled")):
        if counts[key]:
            parts.append(f"{counts[key]} file{'s' if counts[key] != 1 else ''} {verb}")
    if not parts:
        return "Every file was imported."
    imported = counts["files_imported"] + counts["files_unchanged"]
    if not imported:
        return "; ".join(parts) + ". Nothing was added to the library."
    rest = "The other file is" if imported == 1 else f"The other {imported} files are"
    return "; ".join(parts) + f". {rest} in the library."


def report_text(summary: Summary) -> str:
    """The import report as plain text, one line per file, problems first."""
    order = {"failed": 0, "cancelled": 1, "skipped": 2, "imported": 3, "unchanged": 4}
    lines = [summary.headline(), ""]
    for result in sorted(summary.files, key=lambda r: order.get(r.status, 5)):
        lines.append(f"{result.status.upper():<9}  {result.path}: {result.reason()}")
    return "\n".join(lines)


def short_names(paths: list[Path]) -> dict[Path, str]:
    """Each path by its file name, with as many parent folders as it takes to tell apart files named alike."""
    names: dict[Path, str] = {}
    for path in paths:
        depth = 1
        while depth < len(path.parts) and any(
                other != path and other.parts[-depth:] == path.parts[-depth:] for other in paths):
            depth += 1
        names[path] = str(Path(*path.parts[-depth:])) if path.parts else str(path)
    return names


class ImportReport(QDialog):
    """The files of an import and what happened to each, without sideways scrolling.

    A file shows by its name (its full path in a tooltip and in the copied text); the reason wraps.
    """

    def __init__(self, summary: Summary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Report")
        self.text = report_text(summary)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(report_headline(summary)))
        layout.addWidget(plain_label(summary.headline()))
        order = {"failed": 0, "cancelled": 1, "skipped": 2, "imported": 3, "unchanged": 4}
        results = sorted(summary.files, key=lambda r: order.get(r.status, 5))
        self.files = QTableWidget(len(results), 3)
        self.files.setHorizontalHeaderLabels(["", "File", "What happened"])
        self.files.verticalHeader().hide()
        self.files.setShowGrid(False)
        self.files.setWordWrap(True)
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.files.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        names = short_names([r.path for r in results])
        top = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        for row, result in enumerate(results):
            for column, text in enumerate((result.status.capitalize(), names[result.path], result.reason())):
                item = QTableWidgetItem(text)
                item.setTextAlignment(top)
                item.setToolTip(tooltip(str(result.path) if column == 1 else text) or "")
                self.files.setItem(row, column, item)
        header = self.files.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(1, min(max(self.files.sizeHintForColumn(1), 120), 260))
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.files.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # wrapped reasons
        layout.addWidget(self.files)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text))
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(760, 420)


class RawDialog(QDialog):
    """A post's source (JSON or WXR item) as imported, read-only, in a window of its own."""

    def __init__(self, post_id: int, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Raw Source — post {post_id}")
        layout = QVBoxLayout(self)
        self.view = QPlainTextEdit(text)
        self.view.setReadOnly(True)
        self.view.document().setDefaultFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.view)
        self.resize(760, 600)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)


def delete_question(titles: list[str], parent: QWidget | None = None) -> QMessageBox:
    """The confirmation before deleting posts; its text is plain, whatever the titles hold."""
    what = f"“{titles[0]}”" if len(titles) == 1 else f"{len(titles)} posts"
    box = QMessageBox(QMessageBox.Icon.Question, "Delete Posts",
                      f"Delete {what} from the library? Importing the file again brings it back.",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box


def confirm_delete(titles: list[str], parent: QWidget | None = None) -> bool:
    """Ask before deleting; True when the user said yes."""
    return delete_question(titles, parent).exec() == QMessageBox.StandardButton.Yes


def show_about(library_path: Path, parent: QWidget | None = None) -> None:
    """Version and library location."""
    QMessageBox.about(parent, "About Article Browser",
                      f"<h3>Article Browser {__version__}</h3><p>Read WordPress articles offline.</p>"
                      f"<p>Library: <code>{html.escape(str(library_path))}</code></p>")


def ask_name(parent: QWidget, title: str, label: str, name: str) -> str | None:
    """A new name for something (a saved search); None when cancelled or empty."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(name)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue().strip() or None
