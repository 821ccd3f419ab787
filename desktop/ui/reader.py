"""The reader: a QTextBrowser that shows a post's HTML.

It opens links in the system browser and never loads anything by itself (no network, no local files).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

STYLESHEET = """
body { line-height: 140%; }
h1 { font-size: x-large; margin-bottom: 4px; }
p { margin-top: 6px; margin-bottom: 10px; }
blockquote { margin-left: 24px; font-style: italic; }
pre, code { font-family: monospace; }
img { max-width: 100%; }
"""


class Reader(QTextBrowser):
    """Shows one post at a time."""

    link_hovered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDefaultStyleSheet(STYLESHEET)
        self.document().setDocumentMargin(18)
        self.anchorClicked.connect(self.on_anchor_clicked)
        self.highlighted.connect(lambda url: self.link_hovered.emit(url.toString()))

    def show_html(self, html: str) -> None:
        """Display a rendered post from the top."""
        self.setHtml(html)
        self.verticalScrollBar().setValue(0)

    def loadResource(self, kind: int, url: QUrl | str) -> Any:  # noqa: N802 - Qt's name
        """Load nothing but ``data:`` URIs.

        Remote images wait for the reading-view issue's opt-in, and a post's HTML must never make the app
        read a local file.
        """
        target = url if isinstance(url, QUrl) else QUrl(url)
        if target.scheme() == "data":
            return super().loadResource(kind, target)
        return None

    def on_anchor_clicked(self, url: QUrl) -> None:
        """Web and mail links open in the system browser; in-page anchors scroll; other schemes do nothing."""
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
        elif url.hasFragment() and not url.scheme():
            self.scrollToAnchor(url.fragment())

    def at_end(self) -> bool:
        """Whether the whole post has been scrolled through."""
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum()

    def page_down(self) -> None:
        """Scroll one screen down."""
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + bar.pageStep())
