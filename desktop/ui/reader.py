"""The reader: a QTextBrowser showing a post, with an images bar, find in page and zoom.

It loads nothing by itself: a post's HTML can never make it read a local file, and remote images are
fetched (by ``ImageLoader``, asynchronously, through a disk cache) only for posts the user allowed.
"""

from __future__ import annotations

import html as html_text
import re
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QFontInfo,
    QGuiApplication,
    QImage,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkDiskCache, QNetworkReply, QNetworkRequest
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.qt_html import for_qt

TERM_SCHEME = "article-browser"
CACHE_BYTES = 200 * 1024 * 1024
TRANSFER_TIMEOUT_MS = 30_000  # an image that has not arrived by then counts as failed
_SHOWN_IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)">')  # as the core writes a shown image
_NetworkError = QNetworkReply.NetworkError
_UNREACHABLE = (_NetworkError.HostNotFoundError, _NetworkError.ConnectionRefusedError,
                _NetworkError.RemoteHostClosedError, _NetworkError.TimeoutError, _NetworkError.OperationCanceledError,
                _NetworkError.TemporaryNetworkFailureError, _NetworkError.NetworkSessionFailedError,
                _NetworkError.UnknownNetworkError, _NetworkError.ProxyConnectionRefusedError,
                _NetworkError.ProxyNotFoundError, _NetworkError.ProxyTimeoutError)
LINE_LENGTH_EM = 38  # the text column's width on wide windows, in em of the reading font (~75 characters)
READING_SCALE = 4 / 3  # reading text against the UI font: a browser's 16 px body against a 12 px UI font
LINE_HEIGHT = 150  # percent, in every block of text
_HEADINGS = {"h1.title": 2.0, "h1": 1.75, "h2": 1.5, "h3": 1.3, "h4": 1.17, "h5": 1.1, "h6": 1.05}


def reading_size(zoom: int = 0) -> float:
    """The reading font's size in points: the system font's, scaled for reading, plus ``zoom`` points."""
    ui = QGuiApplication.font()
    size = ui.pointSizeF() if ui.pointSizeF() > 0 else ui.pixelSize() * 0.75
    return max(6.0, round(size * READING_SCALE) + zoom)


def stylesheet(palette: QPalette, size: float | None = None) -> str:
    """The reading view's CSS, in the palette's colours (so it follows light and dark schemes).

    ``size`` is the body text's size in points; headings are sized from it, so they follow zoom and always
    stand above body text.
    """
    size = size or reading_size()
    link = palette.color(QPalette.ColorRole.Link).name()
    muted = palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.PlaceholderText).name()
    base = palette.color(QPalette.ColorRole.Base)
    card = palette.color(QPalette.ColorRole.AlternateBase).name()
    rule = (base.darker(130) if base.lightness() > 128 else base.lighter(160)).name()
    accent = (base.darker(175) if base.lightness() > 128 else base.lighter(260)).name()
    em = size * 4 / 3  # pixels
    headings = "\n".join(f"{name} {{ font-size: {size * scale:.1f}pt; font-weight: 600; margin-top: {em * 1.1:.0f}px; "
                         f"margin-bottom: {em * 0.45:.0f}px; }}" for name, scale in _HEADINGS.items())
    spaced = f"line-height: {LINE_HEIGHT}%;"
    return f"""
a {{ color: {link}; text-decoration: underline; }}
{headings}
h1.title {{ margin-top: 0px; margin-bottom: 4px; }}
p {{ margin-top: 0px; margin-bottom: {em * 0.8:.0f}px; {spaced} }}
li {{ margin-bottom: {em * 0.25:.0f}px; {spaced} }}
ul, ol {{ margin-bottom: {em * 0.8:.0f}px; }}
dl {{ margin-bottom: {em * 0.8:.0f}px; }}
dt {{ font-weight: 600; margin-top: {em * 0.4:.0f}px; {spaced} }}
dd {{ margin-left: {em * 1.5:.0f}px; margin-bottom: {em * 0.3:.0f}px; {spaced} }}
td, th {{ {spaced} }}
p.byline {{ color: {muted}; margin-bottom: {em * 1.2:.0f}px; }}
p.caption {{ color: {muted}; font-size: {size * 0.88:.1f}pt; text-align: center; margin-top: 2px; }}
p.figure {{ text-align: center; margin-bottom: 2px; }}
p.cite {{ color: {muted}; font-style: normal; font-size: {size:.1f}pt; }}
p.last {{ margin-bottom: 0px; }}
p.notice {{ color: {muted}; font-style: italic; }}
span.image {{ color: {muted}; }}
span.status {{ font-weight: 600; }}
span.mark {{ background-color: #fde68a; color: #1f1f1f; }}
table.quote {{ margin-top: 4px; margin-bottom: {em * 0.9:.0f}px; }}
td.rule {{ background-color: {accent}; }}
td.quoted {{ padding-left: {em:.0f}px; padding-right: {em * 0.5:.0f}px; }}
table.pull {{ margin-top: {em * 0.6:.0f}px; margin-bottom: {em * 1.2:.0f}px; }}
td.pull {{ font-size: {size * 1.25:.1f}pt; font-style: italic; text-align: center; padding: {em * 0.6:.0f}px;
  border-top: 3px solid {accent}; border-bottom: 3px solid {accent}; border-left: 0px; border-right: 0px; }}
pre {{ font-family: monospace; white-space: pre-wrap; line-height: 135%; margin-top: 0px; margin-bottom: 0px; }}
td.code {{ background-color: {card}; }}
code {{ font-family: monospace; }}
table {{ margin-top: 6px; margin-bottom: {em * 0.8:.0f}px; }}
td.data, th.data {{ padding: 4px; border-bottom: 1px solid {rule}; }}
table.card {{ background-color: {card}; border-style: none; }}
table.gallery {{ border-style: none; }}
img {{ max-width: 100%; }}
"""


def failure_reason(error: QNetworkReply.NetworkError, status: int | None) -> str:
    """Why an image did not arrive, in the user's words, told by the kind of error (not its message)."""
    if error == _NetworkError.NoError:
        return "not an image"
    if error in _UNREACHABLE:
        return "the site could not be reached"
    if status == 404 or error == _NetworkError.ContentNotFoundError:
        return "not found on the site"
    if error in (_NetworkError.SslHandshakeFailedError, _NetworkError.InsecureRedirectError):
        return "the secure connection failed"
    return f"the site answered {status}" if status else "the download failed"


def placeholder_html(alt: str) -> str:
    """The reader's stand-in for an image: its alt text in brackets (``alt`` is HTML-escaped already)."""
    return f'<span class="image">[image: {alt}]</span>' if alt else '<span class="image">[image]</span>'


class ImageLoader(QObject):
    """Downloads images for the reader through a size-capped disk cache; never blocks the GUI thread."""

    loaded = Signal(QUrl, QImage)
    failed = Signal(QUrl, str)  # the image's address and why it did not arrive

    def __init__(self, cache_dir: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._network = QNetworkAccessManager(self)
        self.cache = QNetworkDiskCache(self)
        location = cache_dir or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
        self.cache.setCacheDirectory(f"{location}/images")
        self.cache.setMaximumCacheSize(CACHE_BYTES)
        self._network.setCache(self.cache)
        self._pending: set[str] = set()

    def fetch(self, url: QUrl) -> None:
        """Start a download (or a cache read) unless one is under way."""
        key = url.toString()
        if key in self._pending or url.scheme() not in ("http", "https"):
            return
        self._pending.add(key)
        request = QNetworkRequest(url)
        request.setAttribute(QNetworkRequest.Attribute.CacheLoadControlAttribute,
                             QNetworkRequest.CacheLoadControl.PreferCache)
        request.setAttribute(QNetworkRequest.Attribute.CacheSaveControlAttribute, True)
        request.setHeader(QNetworkRequest.KnownHeaders.UserAgentHeader, "ArticleBrowser")
        request.setTransferTimeout(TRANSFER_TIMEOUT_MS)
        reply = self._network.get(request)
        reply.finished.connect(lambda: self._on_finished(reply, url))

    def _on_finished(self, reply: QNetworkReply, url: QUrl) -> None:
        self._pending.discard(url.toString())
        image = QImage()
        error = reply.error()
        if error == _NetworkError.NoError:
            image.loadFromData(QByteArray(reply.readAll()))
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        reply.deleteLater()
        if not image.isNull():
            self.loaded.emit(url, image)
        else:
            self.failed.emit(url, failure_reason(error, status if isinstance(status, int) else None))

    def clear(self) -> None:
        """Empty the image cache."""
        self.cache.clear()


class Reader(QTextBrowser):
    """Shows one post; answers image requests only from what ``ImageLoader`` fetched."""

    link_hovered = Signal(str)
    term_clicked = Signal(int)
    images_failed = Signal(int, int, str)  # images of this post that could not be loaded, of how many, and why

    def __init__(self, loader: ImageLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._images_allowed = False
        self._html = ""
        self._images: dict[str, QImage] = {}  # this post's images that have arrived
        self._failed: dict[str, str] = {}  # this post's images that will not arrive, and why
        self._zoom = 0
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self.on_anchor_clicked)
        self.highlighted.connect(lambda url: self.link_hovered.emit(url.toString()))
        loader.loaded.connect(self.on_image_loaded)
        loader.failed.connect(self.on_image_failed)
        self.apply_palette()

    def apply_palette(self) -> None:
        """Take the current palette's colours (links included) and the reading size; show the post again."""
        size = reading_size(self._zoom)
        font = QFont(QGuiApplication.font())
        font.setPointSizeF(size)
        self.document().setDefaultFont(font)
        self.document().setDefaultStyleSheet(stylesheet(QGuiApplication.palette(), size))
        if self._html:
            self._set(self._html)
        else:
            self._apply_margins()

    def set_zoom(self, zoom: int) -> None:
        """Zoom by ``zoom`` points from the reading size (0 is the reading size); the column scales too."""
        self._zoom = zoom
        self.apply_palette()

    def show_post(self, html: str, images_allowed: bool) -> None:
        """Display a rendered post from the top."""
        self._images_allowed = images_allowed
        self._html = for_qt(html)
        self._images.clear()
        self._failed.clear()
        self.document().clear()  # setHtml keeps the last post's resources: stand-ins would hide images
        self._set(self._html)
        self.verticalScrollBar().setValue(0)

    def _set(self, html: str) -> None:
        position = self.verticalScrollBar().value()
        self.setHtml(self._with_placeholders(html) if self._failed else html)
        self._apply_margins()
        self.verticalScrollBar().setValue(position)

    def _apply_margins(self) -> None:
        """A comfortable line length: wide windows get wider side margins, not longer lines."""
        column = int(QFontInfo(self.document().defaultFont()).pixelSize() * LINE_LENGTH_EM)
        side = max(18, (self.viewport().width() - column) // 2)
        frame = self.document().rootFrame()
        fmt = frame.frameFormat()
        if (fmt.leftMargin(), fmt.topMargin()) != (side, 14):
            fmt.setMargin(0)
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            fmt.setTopMargin(14)
            fmt.setBottomMargin(24)
            frame.setFrameFormat(fmt)

    def loadResource(self, kind: int, url: QUrl | str) -> Any:  # noqa: N802 - Qt's name
        """Images of allowed posts come from the loader (asynchronously); nothing else is ever loaded."""
        target = url if isinstance(url, QUrl) else QUrl(url)
        if target.scheme() == "data":
            return super().loadResource(kind, target)
        if kind == QTextDocument.ResourceType.ImageResource and self._images_allowed \
                and target.scheme() in ("http", "https"):
            arrived = self._images.get(target.toString())
            if arrived is not None:
                return arrived
            self._loader.fetch(target)
            placeholder = QImage(1, 1, QImage.Format.Format_ARGB32)
            placeholder.fill(QColor(0, 0, 0, 0))
            self.document().addResource(QTextDocument.ResourceType.ImageResource, target, placeholder)
            return placeholder
        return None

    def image_width(self) -> int:
        """Device pixels an image needs to fill the text column."""
        frame = self.document().rootFrame().frameFormat()
        width = self.viewport().width() - frame.leftMargin() - frame.rightMargin()
        return max(320, int(width * self.devicePixelRatioF()))

    def on_image_loaded(self, url: QUrl, image: QImage) -> None:
        """An image arrived: scale it to the text width and lay the post out again."""
        if not self._images_allowed or url.toString() not in self._html.replace("&amp;", "&"):
            return
        frame = self.document().rootFrame().frameFormat()
        width = int(self.viewport().width() - frame.leftMargin() - frame.rightMargin() - 8)
        if width > 0 and image.width() > width:
            image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self._images[url.toString()] = image
        # The stand-in given to the document while it loaded stays its resource until replaced.
        self.document().addResource(QTextDocument.ResourceType.ImageResource, url, image)
        self._set(self._html)

    def on_image_failed(self, url: QUrl, reason: str) -> None:
        """An image of this post will not arrive: show its alt text again, and say so."""
        key = url.toString()
        if not self._images_allowed or key in self._failed or key in self._images or key not in self._shown_urls():
            return
        self._failed[key] = reason
        self._set(self._html)
        reasons = set(self._failed.values())
        self.images_failed.emit(len(self._failed), len(self._shown_urls()), reasons.pop() if len(reasons) == 1 else "")

    def _shown_urls(self) -> set[str]:
        """The addresses of the images this post shows (when allowed)."""
        return {QUrl(html_text.unescape(m.group(1))).toString() for m in _SHOWN_IMAGE.finditer(self._html)}

    def _with_placeholders(self, html: str) -> str:
        """``html`` with each image that failed back to its alt-text placeholder."""
        def swap(match: re.Match[str]) -> str:
            failed = QUrl(html_text.unescape(match.group(1))).toString() in self._failed
            return placeholder_html(match.group(2)) if failed else match.group(0)
        return _SHOWN_IMAGE.sub(swap, html)

    def on_anchor_clicked(self, url: QUrl) -> None:
        """Web and mail links open in the browser; term links filter the list; anchors scroll."""
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
        elif url.scheme() == TERM_SCHEME and url.path().startswith("term/"):
            term = url.path().removeprefix("term/")
            if term.isdecimal():
                self.term_clicked.emit(int(term))
        elif url.hasFragment() and not url.scheme():
            self.scrollToAnchor(url.fragment())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """Keep the line length as the width changes."""
        super().resizeEvent(event)
        self._apply_margins()

    def at_end(self) -> bool:
        """Whether the whole post has been scrolled through."""
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum()

    def page_down(self) -> None:
        """Scroll one screen down."""
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + bar.pageStep())


class FindBar(QWidget):
    """Find in page: every match highlighted, Enter and Shift+Enter for next and previous, wrapping."""

    def __init__(self, reader: Reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self.field = QLineEdit()
        self.field.setPlaceholderText("Find in post")
        self.field.setClearButtonEnabled(True)
        self.count = QLabel()
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        layout.addWidget(close)
        self.field.textChanged.connect(self.highlight)
        self.field.returnPressed.connect(lambda: self.step(QGuiApplication.keyboardModifiers()))
        self.hide()

    def open_bar(self) -> None:
        """Show the bar with the cursor in it."""
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        self.highlight()

    def close_bar(self) -> None:
        """Hide the bar and the highlights."""
        self.hide()
        self._reader.setExtraSelections([])
        self._reader.setFocus()

    def highlight(self) -> None:
        """Mark every match."""
        text = self.field.text()
        selections = []
        if text:
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(255, 214, 0, 150))
            cursor = self._reader.document().find(text)
            while not cursor.isNull():
                selection = QTextEdit.ExtraSelection()
                selection.cursor = cursor
                selection.format = fmt
                selections.append(selection)
                cursor = self._reader.document().find(text, cursor)
        self._reader.setExtraSelections(selections)
        self.count.setText(f"{len(selections)} match{'es' if len(selections) != 1 else ''}" if text else "")
        if selections:
            self.step(None, restart=True)

    def step(self, modifiers: Any, restart: bool = False) -> None:
        """Go to the next match (the previous one with Shift), wrapping around the post."""
        text = self.field.text()
        if not text:
            return
        backward = modifiers is not None and bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        cursor = QTextCursor(self._reader.document()) if restart else self._reader.textCursor()
        found = self._reader.document().find(text, cursor, flags)
        if found.isNull():  # wrap around
            start = QTextCursor(self._reader.document())
            start.movePosition(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
            found = self._reader.document().find(text, start, flags)
        if not found.isNull():
            self._reader.setTextCursor(found)
            self._reader.ensureCursorVisible()


class ImagesBar(QWidget):
    """Offered above a post with images that were not loaded: this post, or always for its site.

    After loading, it says how many images could not be loaded, with a button to try again.
    """

    load_once = Signal()
    load_site = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self._offers = (QPushButton("Load images"), QPushButton("Always for this site"))
        self.retry = QPushButton("Try again")
        self._offers[0].clicked.connect(self.load_once)
        self._offers[1].clicked.connect(self.load_site)
        self.retry.clicked.connect(self.load_once)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        for button in (*self._offers, self.retry):
            layout.addWidget(button)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.hide()

    def offer(self, count: int, site: str) -> None:
        """Show the offer for ``count`` images of ``site``; hide it when there are none."""
        if count:
            self.label.setText(f"Images are not loaded, for your privacy ({count} in this post from "
                               f"{site or 'this site'}).")
        self._show_buttons(offer=True)
        self.setVisible(bool(count))

    def report_failed(self, failed: int, total: int, reason: str) -> None:
        """Say that ``failed`` of the post's ``total`` images could not be loaded (``reason`` when they share one)."""
        if total == 1:
            said = "The image could not be loaded"
        elif failed >= total:
            said = f"None of the {total} images could be loaded"
        else:
            said = f"{failed} of {total} images could not be loaded"
        self.label.setText(said + (f": {reason}." if reason else "."))
        self._show_buttons(offer=False)
        self.show()

    def _show_buttons(self, offer: bool) -> None:
        for button in self._offers:
            button.setVisible(offer)
        self.retry.setVisible(not offer)


class ReaderPane(QWidget):
    """The images bar, the reader and the find bar, stacked."""

    def __init__(self, loader: ImageLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = Reader(loader)
        self.images_bar = ImagesBar()
        self.find_bar = FindBar(self.reader)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.images_bar)
        layout.addWidget(self.reader, 1)
        layout.addWidget(self.find_bar)
        self.reader.images_failed.connect(self.images_bar.report_failed)
