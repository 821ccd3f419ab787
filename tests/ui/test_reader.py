import http.server
import threading

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtTest import QTest

from tests.conftest import post, write_json
from tests.ui.conftest import wait_for_import


def png_bytes() -> bytes:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


class ImageServer:
    """A web server on 127.0.0.1 that serves one image and counts the requests that reach it."""

    def __init__(self):
        self.requests = []
        body = png_bytes()
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "max-age=86400")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = ImageServer()
    yield running
    running.stop()


def shown_image(window, url: str) -> QImage:
    image = window.reader.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(url))
    return image if isinstance(image, QImage) else QImage()


def test_images_load_only_when_allowed_and_stay_cached(qtbot, opened, tmp_path, server):
    url = f"http://127.0.0.1:{server.port}/pic.png"
    content = f'<p>Before</p><figure><img src="{url}" alt="A teal square"></figure><p>After</p>'
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [
        post(1, link=f"http://127.0.0.1:{server.port}/post-1/", content={"rendered": content}),
        post(2, link=f"http://127.0.0.1:{server.port}/post-2/")])])
    wait_for_import(qtbot, window)
    window.post_list.selectRow(window.posts.row_for(_id(window, 1)))
    qtbot.waitUntil(lambda: "[image: A teal square]" in window.reader.toPlainText())
    assert window.reader_pane.images_bar.isVisible()
    qtbot.wait(300)
    assert server.requests == []  # nothing is fetched by default

    window.reader_pane.images_bar.load_once.emit()
    qtbot.waitUntil(lambda: shown_image(window, url).width() == 40, timeout=5000)
    assert server.requests == ["/pic.png"]
    assert not window.reader_pane.images_bar.isVisible()

    server.stop()
    window.post_list.selectRow(window.posts.row_for(_id(window, 2)))
    qtbot.waitUntil(lambda: "Body of post 2" in window.reader.toPlainText())
    window.post_list.selectRow(window.posts.row_for(_id(window, 1)))
    qtbot.waitUntil(lambda: shown_image(window, url).width() == 40, timeout=5000)  # from the disk cache
    assert server.requests == ["/pic.png"]


def test_always_for_this_site_is_remembered(qtbot, opened, tmp_path, server):
    url = f"http://127.0.0.1:{server.port}/pic.png"
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [
        post(i, link=f"http://127.0.0.1:{server.port}/post-{i}/", content={"rendered": f'<img src="{url}">'})
        for i in (1, 2)])])
    wait_for_import(qtbot, window)
    window.post_list.selectRow(0)
    qtbot.waitUntil(lambda: window.reader_pane.images_bar.isVisible())
    window.reader_pane.images_bar.load_site.emit()
    qtbot.waitUntil(lambda: shown_image(window, url).width() == 40, timeout=5000)
    window.post_list.selectRow(1)
    qtbot.waitUntil(lambda: shown_image(window, url).width() == 40, timeout=5000)
    assert not window.reader_pane.images_bar.isVisible()
    assert window.settings.value("images/sites") in ([f"127.0.0.1:{server.port}"], f"127.0.0.1:{server.port}")


def _id(window, wp_id):
    return next(window.posts.post(r).id for r in range(window.posts.rowCount()) if window.posts.post(r).wp_id == wp_id)


def test_find_highlights_every_match_and_wraps(qtbot, opened, tmp_path):
    window = opened.window()
    text = "<p>apple one</p><p>banana</p><p>apple two</p><p>apple three</p>"
    window.import_paths([write_json(tmp_path / "p.json", [post(1, content={"rendered": text})])])
    wait_for_import(qtbot, window)
    window.post_list.selectRow(0)
    qtbot.waitUntil(lambda: "apple three" in window.reader.toPlainText())
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.reader_pane.find_bar.isVisible()
    QTest.keyClicks(window.reader_pane.find_bar.field, "apple")
    assert len(window.reader.extraSelections()) == 3
    assert window.reader_pane.find_bar.count.text() == "3 matches"
    positions = []
    for _ in range(4):
        QTest.keyClick(window.reader_pane.find_bar.field, Qt.Key.Key_Return)
        positions.append(window.reader.textCursor().selectionStart())
    assert positions[0] < positions[1] and positions[3] == positions[0]  # wrapped around
    QTest.keyClick(window.reader_pane.find_bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.reader.textCursor().selectionStart() == positions[2]  # back past the start: the last one


def test_zoom_is_remembered(qtbot, opened):
    window = opened.window()
    size = window.reader.document().defaultFont().pointSizeF()
    QTest.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.document().defaultFont().pointSizeF() == size + 2
    opened.close(window)
    again = opened.window()
    assert again.reader.document().defaultFont().pointSizeF() == size + 2
    QTest.keyClick(again, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert again.reader.document().defaultFont().pointSizeF() == size


def test_category_links_in_the_byline_filter_the_list(qtbot, opened, tmp_path):
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [
        post(1, categories=[5], class_list=["category-rivers"]), post(2)])])
    wait_for_import(qtbot, window)
    window.post_list.selectRow(window.posts.row_for(_id(window, 1)))
    qtbot.waitUntil(lambda: "in Rivers" in window.reader.toPlainText())
    qtbot.waitUntil(lambda: window.sidebar_model.index_of("categories").isValid())
    term = next(t for t in window.reader.toHtml().split('"') if t.startswith("article-browser:term/"))
    window.reader.on_anchor_clicked(QUrl(term))
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.total == 1)


@pytest.fixture
def pane(qtbot, tmp_path):
    from desktop.ui.reader import ImageLoader, ReaderPane

    widget = ReaderPane(ImageLoader(str(tmp_path / "cache")))
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    return widget


def _line_chars(reader) -> float:
    """Characters on the first full line of the first paragraph."""
    block = reader.document().firstBlock()
    while block.isValid() and block.layout().lineCount() < 2:
        block = block.next()
    return block.layout().lineAt(0).textLength()


def test_zoom_scales_the_column_with_the_text(pane):
    from desktop.ui.reader import reading_size

    text = "<p>" + " ".join(["harbour"] * 400) + "</p>"
    counts = []
    for zoom in (-2, 0, 3):
        pane.reader.set_zoom(zoom)
        pane.reader.show_post(text, False)
        assert pane.reader.document().defaultFont().pointSizeF() == reading_size(zoom)
        counts.append(_line_chars(pane.reader))
    assert max(counts) - min(counts) <= 0.15 * max(counts), counts
    assert reading_size(0) > pane.reader.font().pointSizeF()  # larger than the UI font


def test_long_code_lines_stay_in_their_box_and_headings_stand_above_body_text(pane):
    from PySide6.QtGui import QTextCursor

    pane.reader.show_post("<pre><code>" + "x = 1; " * 400 + "</code></pre><h6>Small heading</h6><p>Body "
                          '<a href="https://e.com/">link</a></p>', False)
    assert pane.reader.horizontalScrollBar().maximum() == 0
    document = pane.reader.document()
    heading = document.find("Small heading")
    body = document.find("Body")
    link = document.find("link")
    assert heading.charFormat().fontPointSize() > max(body.charFormat().fontPointSize(),
                                                      document.defaultFont().pointSizeF())
    assert link.charFormat().fontUnderline()
    cursor = QTextCursor(body)
    assert cursor.blockFormat().lineHeight() == 150


def test_every_block_of_text_has_the_same_line_height(pane):
    from desktop.core.content import clean_content

    pane.reader.show_post(clean_content(
        "<div>div text</div><dl><dt>term</dt><dd>definition</dd></dl><table><tr><td>cell</td></tr></table>"
        "<figure><img src=x alt=a><figcaption>caption</figcaption></figure><blockquote>quoted</blockquote>"
        "<ul><li>item</li></ul>"), False)
    block = pane.reader.document().begin()
    heights = {}
    while block.isValid():
        if block.text():
            heights[block.text()] = block.blockFormat().lineHeight()
        block = block.next()
    assert set(heights.values()) == {150}, heights
    assert len(heights) == 8
