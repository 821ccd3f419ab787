"""Start-up (issue 11): the library is opened, and upgraded when it is from an older version, off the GUI thread,
with a word on screen while that lasts; a library that cannot be used is still refused."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from desktop.core import schema
from desktop.core.library import LibraryError
from desktop.ui.opening import OpeningWindow, open_library

ROOT = Path(__file__).resolve().parents[2]
OLD_SCHEMA = 6  # before migration 7 rebuilt the search index (seconds for a large library)


def old_library(folder: Path) -> Path:
    """A library written by the version of schema 6, in WAL mode like every library, holding one post."""
    path = folder / schema.FILE_NAME
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    schema.attach_state(conn, folder / schema.STATE_FILE_NAME)
    schema.migrate(conn, path, target=OLD_SCHEMA)
    conn.execute("INSERT INTO sites (id, host) VALUES (1, 'example.org')")
    conn.execute("INSERT INTO posts (id, site_id, type, wp_id, title, excerpt, protected, richness, imported_at, "
                 "date_utc) VALUES (7, 1, 'post', 7, 'Written long ago', '', 0, 2, 0, 1700000000)")
    conn.execute("INSERT INTO post_content (post_id, html) VALUES (7, '<p>Still here.</p>')")
    conn.execute("INSERT INTO posts_fts (rowid, title, body, excerpt, author, terms) "
                 "VALUES (7, 'Written long ago', 'Still here.', '', '', '')")
    conn.close()
    return path


def version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def opening_windows() -> list[OpeningWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, OpeningWindow) and w.isVisible()]


def test_an_upgrade_runs_off_the_gui_thread_with_a_word_on_screen(qtbot, tmp_path):
    path = old_library(tmp_path)
    # Another connection holds the write lock, so the upgrade waits for it: only a GUI thread that keeps running
    # during the open can see the window and let go of the lock (on the GUI thread it would wait 10 s and fail).
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    seen: list[str] = []

    def release_once_shown() -> None:
        shown = opening_windows()
        if not shown:
            QTimer.singleShot(10, release_once_shown)
            return
        seen.append(shown[0].findChildren(QLabel)[0].text())
        holder.execute("COMMIT")

    QTimer.singleShot(0, release_once_shown)
    try:
        assert open_library(tmp_path, show_after_ms=50) is False  # writable
    finally:
        holder.close()
    assert seen == ["Opening the library…"]
    assert version(path) == schema.SCHEMA_VERSION
    assert not opening_windows()  # gone once the library is open


def test_a_normal_open_shows_nothing(qtbot, tmp_path):
    shown: list[int] = []
    timer = QTimer(interval=1)
    timer.timeout.connect(lambda: shown.append(len(opening_windows())))
    timer.start()
    assert open_library(tmp_path) is False  # a new library is created
    timer.stop()
    assert not any(shown)
    assert version(tmp_path / schema.FILE_NAME) == schema.SCHEMA_VERSION


def test_a_library_that_cannot_be_used_is_refused(qtbot, tmp_path):
    (tmp_path / schema.FILE_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(LibraryError, match="not a SQLite database"):
        open_library(tmp_path)
    assert not opening_windows()


DRIVER = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desktop.ui.app import start
from desktop.ui.main_window import MainWindow

app = QApplication([])

def check():
    for window in QApplication.topLevelWidgets():
        if isinstance(window, MainWindow) and window.isVisible() and window.posts.rowCount():
            print("shown:", window.posts.post(0).title, flush=True)
            window.close()
            return
    QTimer.singleShot(20, check)

QTimer.singleShot(0, check)
sys.exit(start(Path(sys.argv[1]), Path(sys.argv[2]), []))
"""


def test_the_app_upgrades_an_older_library_and_then_shows_the_window(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    path = old_library(library)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ARTICLE_BROWSER_RUNTIME=str(runtime),
               ARTICLE_BROWSER_LOGS=str(tmp_path / "logs"), ARTICLE_BROWSER_CACHE=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", DRIVER, str(library), str(tmp_path / "settings.ini")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "shown: Written long ago" in done.stdout
    assert version(path) == schema.SCHEMA_VERSION
