"""Text from data (titles, terms, hosts, paths) shown as text: never guessed to be markup.

QLabel, QMessageBox and tooltips guess rich text by default, so a title such as ``<img src="file:///…">``
would make Qt read a local file. Every widget that shows such text goes through these helpers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows its text literally, whatever it looks like."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def tooltip(text: str | None) -> str | None:
    """A tooltip that shows ``text`` literally (tooltips guess rich text and cannot be told otherwise)."""
    if not text:
        return None
    return str(GuiQt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal))
