"""Issue 10 in the window: Add Site…, a dropped link, Update and Update All, Cancel and resume, a site that
cannot be used; and File ▸ Export…. Every site is the stand-in WordPress site on 127.0.0.1, never the internet."""

import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from desktop.core.formats.site_http import SiteClient
from desktop.core.library import Library
from desktop.ui.add_site_dialog import checked_address
from desktop.ui.export_dialog import ExportDialog
from tests.conftest import post, write_json
from tests.core.wpserver import WordPressSite
from tests.ui.conftest import drop, wait_for_import

SHOTS = os.environ.get("ARTICLE_BROWSER_SHOTS")  # a folder to save screenshots in, when set



@pytest.fixture
def opened_sites(opened):
    yield opened
    for window, _ in opened.windows:
        window.sites.cancel()
        window.sites.wait()


def wait_for_sync(qtbot, window, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: not window.sites.busy, timeout=timeout)
    qtbot.waitUntil(lambda: not window.posts.loading, timeout=timeout)


def titles(window) -> list[str]:
    rows = (window.posts.post(r) for r in range(window.posts.rowCount()))
    return [row.title for row in rows if row is not None]


def add_site(qtbot, window, address: str) -> None:
    """File ▸ Add Site…, type the address, press Enter."""
    menu_action(window, "&File", "Add &Site…").trigger()
    dialog = window.sites.dialog
    qtbot.waitUntil(dialog.isVisible)
    QTest.keyClicks(dialog.address, address)
    QTest.keyClick(dialog.address, Qt.Key.Key_Return)


def menu_action(window, menu_title: str, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == menu_title)
    return next(a for a in menu.actions() if a.text() == text)


def drop_link(window, address: str, as_text: bool) -> None:
    """Drag a link from a browser (as a URL) or from a text editor (as text) onto the window."""
    mime = QMimeData()
    if as_text:
        mime.setText(address)
    else:
        mime.setUrls([QUrl(address)])
    handle = window.windowHandle()
    where = QPoint(window.width() // 2, window.height() // 2)
    actions, buttons, modifiers = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for event in (QDragEnterEvent(where, actions, mime, buttons, modifiers),
                  QDragMoveEvent(where, actions, mime, buttons, modifiers),
                  QDropEvent(where.toPointF(), actions, mime, buttons, modifiers)):
        QApplication.sendEvent(handle, event)


def site_key(site: WordPressSite) -> str:
    return f"site:127.0.0.1:{site.port}"


def test_add_site_copies_it_into_the_list_and_the_sidebar(qtbot, opened_sites, serve, tmp_path, monkeypatch):
    site = serve(30, pages=2)
    gui_thread = threading.get_ident()
    threads = []
    get = SiteClient.get

    def watched_get(client, url, *args, **kwargs):
        threads.append(threading.get_ident())
        return get(client, url, *args, **kwargs)

    monkeypatch.setattr(SiteClient, "get", watched_get)
    window = opened_sites.window()
    assert "File ▸ Add Site…" in window.empty.text()
    add_site(qtbot, window, site.url)
    qtbot.waitUntil(lambda: window.sites.busy or window.posts.total == 32, timeout=5000)
    wait_for_sync(qtbot, window)
    qtbot.waitUntil(lambda: window.posts.total == 32 and window.sidebar_model.index_of(site_key(site)).isValid())
    assert window.pages.currentWidget() is window.split
    assert window.statusBar().currentMessage() == "Stand-in Site: 32 new, 0 updated, 0 unchanged"
    assert "Post number 30 ’s" in titles(window)
    assert window.sidebar_model.node(window.sidebar_model.index_of(site_key(site))).count == 32
    assert not window.sites.status.isVisible()
    assert window.sites.message is None
    assert threads and gui_thread not in threads  # the GUI thread never waits on the network
    with Library.open(opened_sites.library) as library:
        assert [s.address for s in library.added_sites()] == [site.url]
    window.post_list.selectRow(0)
    qtbot.waitUntil(lambda: "Body of" in window.reader.toPlainText())
    shots = Path(SHOTS) if SHOTS else tmp_path
    window.grab().save(str(shots / "site-added.png"))


def test_add_site_refuses_what_is_not_a_web_address(qtbot, opened_sites):
    window = opened_sites.window()
    menu_action(window, "&File", "Add &Site…").trigger()
    dialog = window.sites.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.add_button.isEnabled()
    QTest.keyClicks(dialog.address, "ftp://example.com/")
    QTest.keyClick(dialog.address, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.problem.isVisible()
    assert dialog.problem.textFormat() == Qt.TextFormat.PlainText
    assert not window.sites.busy
    dialog.reject()


@pytest.mark.parametrize(("text", "address"), [
    ("example.com", "https://example.com/"),
    ("  http://example.com:8080/blog ", "http://example.com:8080/blog"),
    ("https://example.com/?p=1", "https://example.com/?p=1"),
    ("ftp://example.com", None), ("", None), ("two words", None), ("http://", None),
    ("javascript:alert(1)", None), ("file:///etc/passwd", None),
])
def test_addresses_the_dialog_accepts(text, address):
    assert checked_address(text) == address


@pytest.mark.parametrize("as_text", [False, True], ids=["url", "text"])
def test_dropping_a_link_syncs_the_site(qtbot, opened_sites, serve, as_text):
    site = serve(12, pages=1)
    window = opened_sites.window()
    drop_link(window, site.url, as_text)
    qtbot.waitUntil(lambda: window.sites.busy or window.posts.total == 13, timeout=5000)
    wait_for_sync(qtbot, window)
    qtbot.waitUntil(lambda: window.posts.total == 13 and window.sidebar_model.index_of(site_key(site)).isValid())
    assert window.statusBar().currentMessage().startswith("Stand-in Site: 13 new")


def test_dropping_text_that_is_not_a_link_does_nothing(qtbot, opened_sites):
    window = opened_sites.window()
    drop_link(window, "see https://example.com for more", as_text=True)
    assert not window.sites.busy and not window.imports.busy


@pytest.mark.qt_log_ignore("does not support grabbing the keyboard")  # the offscreen platform, for the popup menu
def test_update_all_and_update_site_show_edits_made_on_the_site(qtbot, opened_sites, serve):
    site = serve(20, pages=1)
    window = opened_sites.window()
    add_site(qtbot, window, site.url)
    wait_for_sync(qtbot, window)
    qtbot.waitUntil(lambda: window.sites.update_all_action.isEnabled())
    site.edit(5, "Edited on the site")
    before = len(site.requests)
    window.activateWindow()  # as the window manager does when the dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    QTest.keyClick(window.post_list, Qt.Key.Key_F5)  # Update All Sites
    qtbot.waitUntil(lambda: window.sites.busy or "Edited on the site" in titles(window), timeout=5000)
    wait_for_sync(qtbot, window)
    qtbot.waitUntil(lambda: "Edited on the site" in titles(window))
    assert window.statusBar().currentMessage() == "Stand-in Site: 0 new, 1 updated, 0 unchanged"
    assert len(site.requests) - before < 15  # only what changed: no crawl of the whole site

    site.edit(6, "Edited again")
    key = site_key(site)
    qtbot.waitUntil(lambda: window.sidebar_model.index_of(key).isValid())
    index = window.sidebar_model.index_of(key)
    window.sidebar.scrollTo(index)
    chosen = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, choose)
            return
        chosen.extend(action.text() for action in menu.actions())
        next(action for action in menu.actions() if action.text() == "Update Site").trigger()
        menu.close()

    QTimer.singleShot(0, choose)
    window.sidebar.on_context_menu(window.sidebar.visualRect(index).center())
    assert chosen == ["Update Site"]
    wait_for_sync(qtbot, window)
    qtbot.waitUntil(lambda: "Edited again" in titles(window))


def test_cancel_keeps_the_pages_and_update_resumes(qtbot, opened_sites, serve):
    site = serve(450, pages=1)
    site.fail("/wp/v2/posts", 3, [503], Retry_After="60")  # page 3 keeps the sync waiting: Cancel ends the wait
    window = opened_sites.window()
    add_site(qtbot, window, site.url)
    status = window.sites.status
    qtbot.waitUntil(lambda: "posts page 2/5" in status.label.text(), timeout=10_000)
    assert status.isVisible() and status.bar.maximum() == 5
    QTest.mouseClick(status.cancel_button, Qt.MouseButton.LeftButton)
    started = time.monotonic()
    wait_for_sync(qtbot, window)
    assert time.monotonic() - started < 10  # not the minute the site asked for
    assert window.statusBar().currentMessage().endswith("(cancelled; the next sync resumes)")
    qtbot.waitUntil(lambda: window.posts.total > 0)
    assert window.posts.total < 451
    with Library.open(opened_sites.library) as library:
        kept = library.count_posts()
    assert 200 <= kept < 451

    before = len(site.requests)
    window.sites.update_all_action.trigger()
    wait_for_sync(qtbot, window)
    qtbot.waitUntil(lambda: window.posts.total == 451)
    pages = [q["page"] for r, q in site.requests[before:] if r == "/wp/v2/posts" and "_embed" in q]
    assert "1" not in pages and "2" not in pages  # resumed where it stopped
    assert window.statusBar().currentMessage().startswith(f"Stand-in Site: {451 - kept} new")


def test_an_import_waits_for_a_running_sync_and_a_sync_for_a_running_import(qtbot, opened_sites, serve, tmp_path):
    site = serve(250, pages=1)
    site.fail("/wp/v2/posts", 2, [503], Retry_After="1")  # keeps the sync at work while files are dropped
    window = opened_sites.window()
    add_site(qtbot, window, site.url)
    qtbot.waitUntil(lambda: "posts page" in window.sites.status.label.text(), timeout=10_000)
    drop(window, [write_json(tmp_path / "a.json", [post(1), post(2)])])
    assert window.imports.waiting == 1 and not window.imports.busy  # one writer at a time
    assert window.statusBar().currentMessage() == "Queued 1 item to import next"
    wait_for_sync(qtbot, window)
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: window.posts.total == 253)

    drop(window, [write_json(tmp_path / "b.json", [post(3), post(4)])])
    assert window.imports.busy
    window.sites.update_all_action.trigger()
    assert not window.sites.busy and window.sites.queue.waiting == 1
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: not window.imports.busy and not window.sites.busy and not window.sites.queue.waiting)
    assert window.statusBar().currentMessage().startswith("Stand-in Site: up to date")


def test_a_page_that_is_not_wordpress_is_explained_and_changes_nothing(qtbot, opened_sites, serve, tmp_path):
    site = serve(5, discovery="none")
    window = opened_sites.window()
    drop(window, [write_json(tmp_path / "a.json", [post(1), post(2)])])
    wait_for_import(qtbot, window)
    with Library.open(opened_sites.library) as library:
        before = (library.count_posts(), library.site_counts(), library.generation())
    add_site(qtbot, window, site.url)
    qtbot.waitUntil(lambda: window.sites.message is not None, timeout=10_000)
    box = window.sites.message
    assert isinstance(box, QMessageBox) and box.textFormat() == Qt.TextFormat.PlainText
    assert site.url in box.text() and "could not be synced" in box.text()
    assert "WordPress" in box.text()
    assert box.informativeText() == "Nothing was added to the library."
    box.accept()
    with Library.open(opened_sites.library) as library:
        assert (library.count_posts(), library.site_counts(), library.generation()) == before
        assert library.added_sites() == []
    assert window.posts.total == 2 and not window.sites.update_all_action.isEnabled()


def test_file_export_opens_the_export_dialog_for_the_selection(qtbot, opened_sites, tmp_path):
    window = opened_sites.window()
    drop(window, [write_json(tmp_path / "a.json", [post(1), post(2), post(3)])])
    wait_for_import(qtbot, window)
    window.post_list.selectRow(0)
    qtbot.waitUntil(lambda: len(window.selected_posts()) == 1)
    menu_action(window, "&File", "&Export…").trigger()
    dialog = window.export_dialog
    assert isinstance(dialog, ExportDialog)
    qtbot.waitUntil(dialog.isVisible)
    sources = [dialog.what.itemText(i) for i in range(dialog.what.count())]
    assert sources[:2] == ["The selected post (1)", "The current list"]
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    dialog.reject()
