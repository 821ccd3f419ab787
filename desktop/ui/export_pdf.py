"""PDF export through Qt's PDF writer: selectable text, working links, page numbers, each post on a new page.

``PdfWriter`` is an export ``Writer`` (see ``desktop.core.export.runner``): the core runner drives it like
the other formats. Each post is laid out in its own ``QTextDocument`` (so memory stays flat) and painted page
by page; text stays text and links stay links because Qt's PDF engine writes both. It works on any thread
once a ``QGuiApplication`` exists (fonts need one); ``ensure_gui`` makes one for the command line.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QFile, QFileDevice, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from desktop.core.export.html import header_html
from desktop.core.export.prepare import ImageKind, PreparedPost
from desktop.core.export.runner import Entry

RESOLUTION = 96  # dots per inch the layout uses: images keep the size they have on screen
FOOTER = 28  # device pixels kept under the text for the page number
STYLE = """
a { color: #1a5fb4; text-decoration: none; }
h1.title { font-size: xx-large; margin-bottom: 2px; }
p { margin-top: 0px; margin-bottom: 10px; line-height: 140%; }
li { margin-bottom: 3px; }
p.byline, p.caption, p.cite, p.notice, span.image { color: #666666; }
p.byline { margin-bottom: 16px; }
p.caption { font-size: small; text-align: center; }
p.figure { text-align: center; margin-bottom: 2px; line-height: 100%; }
blockquote { margin-left: 18px; margin-right: 18px; font-style: italic; }
pre { background-color: #f4f4f4; font-family: monospace; white-space: pre-wrap; }
code { font-family: monospace; }
td.data, th.data { padding: 4px; border-bottom: 1px solid #cccccc; }
table.card { background-color: #f4f4f4; }
img { max-width: 100%; }
"""
_FILE_ERRORS = {
    QFileDevice.FileError.ResourceError: errno.ENOSPC,  # Qt's name for "out of space" when writing
    QFileDevice.FileError.PermissionsError: errno.EACCES,
    QFileDevice.FileError.OpenError: errno.EACCES,
    QFileDevice.FileError.WriteError: errno.EIO,
}


def ensure_gui() -> None:
    """A ``QGuiApplication`` for laying out text (offscreen when there is no display), unless one exists."""
    if QGuiApplication.instance() is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QGuiApplication.instance() or QGuiApplication([])


class PdfWriter:
    """Writes one PDF: A4, each post from a new page, the page number at the foot of every page."""

    folder = False
    remote_images = False  # a PDF holds its images

    def __init__(self, title: str = "Articles") -> None:
        self.title = title
        self.pages = 0
        self._file: QFile | None = None
        self._pdf: QPdfWriter | None = None
        self._painter: QPainter | None = None
        self._images: dict[str, QImage] = {}  # this post's images, by the src written into its HTML

    def open(self, staging: Path, entries: Sequence[Entry]) -> None:
        """Open the PDF."""
        self._file = QFile(str(staging))
        if not self._file.open(QIODevice.OpenModeFlag.WriteOnly):
            raise self._error(staging)
        self._pdf = QPdfWriter(self._file)
        self._pdf.setResolution(RESOLUTION)
        self._pdf.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        self._pdf.setPageMargins(QMarginsF(18, 18, 18, 14), QPageLayout.Unit.Millimeter)
        self._pdf.setTitle(self.title)
        self._pdf.setCreator("Article Browser")
        self._painter = QPainter()
        if not self._painter.begin(self._pdf):
            raise OSError(errno.EIO, "the PDF could not be started", str(staging))

    def _error(self, path: Path) -> OSError:
        assert self._file is not None
        code = _FILE_ERRORS.get(self._file.error(), errno.EIO)
        return OSError(code, self._file.errorString(), str(path))

    def add_image(self, url: str, data: bytes, kind: ImageKind) -> str | None:
        """Keep a cached image for the post being prepared."""
        image = QImage.fromData(data)
        if image.isNull():
            return None
        name = f"export-image-{len(self._images) + 1}.{kind}"
        self._images[name] = image
        return name

    def write(self, post: PreparedPost) -> None:
        """Lay the post out and paint its pages."""
        assert self._pdf is not None and self._painter is not None
        area = self._pdf.pageLayout().paintRectPixels(RESOLUTION)
        width, height = float(area.width()), float(area.height() - FOOTER)
        document = QTextDocument()
        document.documentLayout().setPaintDevice(self._pdf)
        font = QFont(document.defaultFont())
        font.setPointSizeF(11)
        document.setDefaultFont(font)
        document.setDefaultStyleSheet(STYLE)
        for name, image in self._images.items():
            if image.width() > width:
                image = image.scaledToWidth(int(width), Qt.TransformationMode.SmoothTransformation)
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        self._images.clear()
        document.setHtml(header_html(post) + post.body_html())
        document.setPageSize(QSizeF(width, height))
        for page in range(document.pageCount()):
            if self.pages:
                self._pdf.newPage()
            self.pages += 1
            self._painter.save()
            self._painter.translate(0, -page * height)
            document.drawContents(self._painter, QRectF(0, page * height, width, height))
            self._painter.restore()
            self._painter.setPen(Qt.GlobalColor.darkGray)
            self._painter.drawText(QRectF(0, height, width, FOOTER), Qt.AlignmentFlag.AlignCenter, str(self.pages))

    def close(self) -> None:
        """Finish the PDF; a write that failed (a full disk) raises ``OSError`` here."""
        if self._painter is not None and self._painter.isActive():
            if not self.pages:  # an empty export is still a valid one-page PDF
                self.pages = 1
            self._painter.end()
        self._painter = None
        self._pdf = None
        if self._file is not None:
            self._file.flush()
            failed = self._file.error() != QFileDevice.FileError.NoError
            path = Path(self._file.fileName())
            error = self._error(path) if failed else None
            self._file.close()
            self._file = None
            if error is not None:
                raise error

    def abort(self) -> None:
        """Stop without caring about the output (the runner removes it)."""
        if self._painter is not None and self._painter.isActive():
            self._painter.end()
        self._painter = None
        self._pdf = None
        if self._file is not None:
            self._file.close()
            self._file = None
