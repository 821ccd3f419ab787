"""Dropping files on the window: accept local paths, show a hint while dragging, hand the paths on."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QWidget


class DropTarget(QObject):
    """Watches a window for drags of local files and folders; emits ``dropped`` with their paths.

    It validates and hands off: nothing here reads the files.
    """

    dropped = Signal(list)  # list[Path]

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        window.setAcceptDrops(True)
        self.hint = QLabel("Drop to import into the library", window)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("background: rgba(47, 93, 138, 200); color: white; font-size: 20px; "
                                "border: 3px dashed white; border-radius: 12px;")
        self.hint.hide()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Drag enter, move, leave and drop on the window."""
        kind = event.type()
        if kind == QEvent.Type.DragEnter and isinstance(event, QDragEnterEvent):
            if local_paths(event):
                event.acceptProposedAction()
                self.hint.setGeometry(self._window.rect().adjusted(24, 24, -24, -24))
                self.hint.raise_()
                self.hint.show()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.DragMove and isinstance(event, QDragMoveEvent):
            event.acceptProposedAction()
            return True
        if kind == QEvent.Type.DragLeave:
            self.hint.hide()
            return True
        if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            self.hint.hide()
            paths = local_paths(event)
            if paths:
                event.acceptProposedAction()
                self.dropped.emit(paths)
            return True
        return False


def local_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The local files and folders a drag carries."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
