"""Dropping on the window: local paths to import or a link to a site to sync; a hint while dragging; hand on."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QWidget


class DropTarget(QObject):
    """Watches a window for drags of local files and folders; emits ``dropped`` with their paths.

    It validates and hands off: nothing here reads the files.
    """

    dropped = Signal(list)  # list[Path]
    addresses_dropped = Signal(list)  # list[str]: http(s) links, e.g. dragged from a browser

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
            if local_paths(event) or web_addresses(event):
                event.acceptProposedAction()
                self.hint.setText("Drop to import into the library" if local_paths(event) else
                                  "Drop to copy this site into the library")
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
            paths, addresses = local_paths(event), web_addresses(event)
            if paths or addresses:
                event.acceptProposedAction()
                if paths:
                    self.dropped.emit(paths)
                else:
                    self.addresses_dropped.emit(addresses)
            return True
        return False


def local_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The local files and folders a drag carries."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def web_addresses(event: QDragEnterEvent | QDropEvent) -> list[str]:
    """The http(s) links a drag carries (as URLs, or as text holding nothing but one link per line)."""
    mime = event.mimeData()
    if mime.hasUrls():
        found = [url.toString() for url in mime.urls() if url.scheme() in ("http", "https") and url.host()]
    elif mime.hasText():
        found = [line.strip() for line in mime.text().splitlines() if line.strip()]
    else:
        return []
    if not all(_is_web_address(text) for text in found):
        return []
    return list(dict.fromkeys(found))


def _is_web_address(text: str) -> bool:
    url = QUrl(text, QUrl.ParsingMode.StrictMode)
    return url.isValid() and url.scheme() in ("http", "https") and bool(url.host()) and \
        text.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in text)
