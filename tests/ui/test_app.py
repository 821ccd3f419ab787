import subprocess
import sys
import threading
from pathlib import Path

from desktop import logs
from desktop.ui.single_instance import InstanceServer, server_name
from tests.conftest import post, write_json
from tests.ui.conftest import wait_for_import

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_launch_hands_its_files_to_the_running_window(qtbot, opened, tmp_path):
    window = opened.window()
    name = server_name(opened.library) + "-test"
    server = InstanceServer(name)
    assert server.listening
    server.files_received.connect(window.on_files_from_another_launch)
    file = write_json(tmp_path / "later.json", [post(1), post(2)])
    code = ("import sys; from pathlib import Path; from PySide6.QtCore import QCoreApplication;"
            "from desktop.ui.single_instance import hand_over; app = QCoreApplication([]);"
            f"sys.exit(0 if hand_over({name!r}, [Path({str(file)!r})]) else 3)")
    with qtbot.waitSignal(server.files_received, timeout=10_000) as received:
        launch = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    assert launch.wait(10) == 0
    assert received.args == [[file]]
    wait_for_import(qtbot, window)
    assert window.posts.total == 2


def test_nobody_listening_means_no_hand_over(qapp):
    from desktop.ui.single_instance import hand_over

    assert hand_over("article-browser-nobody-is-here", [Path("x.json")]) is False


def test_uncaught_exceptions_are_logged_and_shown(tmp_path, monkeypatch):
    shown = []
    log_path = logs.setup(tmp_path)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    logs.install_crash_handler(shown.append, log_path)
    try:
        raise ValueError("boom")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    thread = threading.Thread(target=lambda: 1 / 0)
    thread.start()
    thread.join()
    for handler in logs.log.handlers:
        handler.flush()
    text = log_path.read_text(encoding="utf-8")
    assert "ValueError: boom" in text and "ZeroDivisionError" in text and "Traceback" in text
    assert len(shown) == 2 and "Your library is intact" in shown[0] and str(log_path) in shown[0]


def test_macos_file_open_events_import_the_file(qtbot, opened, tmp_path, qapp):
    from PySide6.QtGui import QFileOpenEvent

    from desktop.ui.app import FileOpenForwarder

    window = opened.window()
    forwarder = FileOpenForwarder()
    forwarder.files.connect(window.on_files_from_another_launch)
    qapp.installEventFilter(forwarder)
    try:
        file = write_json(tmp_path / "opened.json", [post(5)])
        qapp.sendEvent(qapp, QFileOpenEvent(str(file)))
        wait_for_import(qtbot, window)
        assert window.posts.total == 1
    finally:
        qapp.removeEventFilter(forwarder)
