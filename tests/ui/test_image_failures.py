"""Images that cannot be loaded (no network, a 404, a closed connection) keep their alt text, and the bar says so."""

import http.server
import threading

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument

from tests.conftest import post, write_json
from tests.ui.conftest import wait_for_import
from tests.ui.test_reader import png_bytes


class FlakyServer:
    """127.0.0.1: /ok.png is an image, /missing.png answers 404, /closed.png hangs up without answering."""

    def __init__(self):
        body = png_bytes()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/closed.png":
                    self.close_connection = True
                    return
                if self.path != "/ok.png":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "max-age=86400")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # a silent connection blocks no other
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def flaky():
    running = FlakyServer()
    yield running
    running.stop()


def _shown(window, url: str) -> QImage:
    """The image the reader's document holds for ``url`` (what it draws), not what it would answer if asked."""
    image = window.reader.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(url))
    return image if isinstance(image, QImage) else QImage()


def test_images_that_fail_keep_their_alt_text_and_the_bar_says_so(qtbot, opened, tmp_path, flaky):
    content = (f'<p>Gallery</p><img src="{flaky.base}/ok.png" alt="teal"><img src="{flaky.base}/missing.png" '
               f'alt="canola"><img src="{flaky.base}/closed.png" alt="Boardwalk &amp; pier"><p>End</p>')
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [
        post(1, link=f"{flaky.base}/post-1/", content={"rendered": content})])])
    wait_for_import(qtbot, window)
    window.post_list.selectRow(0)
    qtbot.waitUntil(lambda: "[image: canola]" in window.reader.toPlainText(), timeout=20_000)
    bar = window.reader_pane.images_bar

    qtbot.waitUntil(lambda: window.posts.post(0).read and not window.posts.loading, timeout=20_000)

    bar.load_once.emit()
    qtbot.waitUntil(lambda: "2 of 3 images could not be loaded" in bar.label.text()
                    and _shown(window, f"{flaky.base}/ok.png").width() == 40, timeout=20_000)
    text = window.reader.toPlainText()
    assert "[image: canola]" in text and "[image: Boardwalk & pier]" in text and "[image: teal]" not in text
    assert bar.isVisible() and bar.retry.isVisible()
    window.grab().save(str(tmp_path / "failed.png"))

    flaky.stop()  # now nothing answers: the image that arrived comes from the cache, the others fail again
    bar.retry.click()
    qtbot.waitUntil(lambda: bar.label.text() == "2 of 3 images could not be loaded: the site could not be reached."
                    and "[image: canola]" in window.reader.toPlainText(), timeout=20_000)
    # The cached image is read asynchronously too: it may land after the failures have been counted.
    qtbot.waitUntil(lambda: _shown(window, f"{flaky.base}/ok.png").width() == 40, timeout=20_000)


def test_when_no_image_arrives_the_bar_says_none_could_be_loaded(qtbot, opened, tmp_path, flaky):
    content = f'<img src="{flaky.base}/missing.png" alt="canola"><img src="{flaky.base}/gone.png" alt="pier">'
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [
        post(1, link=f"{flaky.base}/post-1/", content={"rendered": content})])])
    wait_for_import(qtbot, window)
    window.post_list.selectRow(0)
    qtbot.waitUntil(lambda: window.reader_pane.images_bar.isVisible(), timeout=20_000)
    window.reader_pane.images_bar.load_once.emit()
    bar = window.reader_pane.images_bar
    qtbot.waitUntil(lambda: bar.label.text() == "None of the 2 images could be loaded: not found on the site.",
                    timeout=20_000)
    assert "[image: canola]" in window.reader.toPlainText() and "[image: pier]" in window.reader.toPlainText()


def test_an_image_that_arrives_is_drawn_after_its_stand_in(qtbot, opened, tmp_path, flaky):
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [
        post(1, link=f"{flaky.base}/post-1/", content={"rendered": f'<img src="{flaky.base}/ok.png" alt="teal">'}),
        post(2, link=f"{flaky.base}/post-2/")])])
    wait_for_import(qtbot, window)
    window.post_list.selectRow(window.posts.row_for(next(
        window.posts.post(r).id for r in range(2) if window.posts.post(r).wp_id == 1)))
    qtbot.waitUntil(lambda: window.reader_pane.images_bar.isVisible(), timeout=20_000)
    window.reader_pane.images_bar.load_once.emit()
    qtbot.waitUntil(lambda: _shown(window, f"{flaky.base}/ok.png").width() == 40, timeout=20_000)
    assert not window.reader_pane.images_bar.isVisible()


def test_the_only_image_not_found_is_told_by_its_status(qtbot, opened, tmp_path, flaky):
    content = f'<p>One</p><img src="{flaky.base}/missing.png" alt="canola">'
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [
        post(1, link=f"{flaky.base}/post-1/", content={"rendered": content})])])
    wait_for_import(qtbot, window)
    window.post_list.selectRow(0)
    qtbot.waitUntil(lambda: window.reader_pane.images_bar.isVisible(), timeout=20_000)
    window.reader_pane.images_bar.load_once.emit()
    bar = window.reader_pane.images_bar
    qtbot.waitUntil(lambda: bar.label.text() == "The image could not be loaded: not found on the site.", timeout=20_000)
    assert "[image: canola]" in window.reader.toPlainText()

