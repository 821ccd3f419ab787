"""The single-instance socket: private, same-user only, bounded messages, one window per library."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from desktop.ui.single_instance import (
    MAX_MESSAGE,
    InstanceError,
    InstanceServer,
    decode_message,
    hand_over,
    private_dir,
    server_name,
)

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534


def test_the_socket_lives_in_a_folder_only_its_user_may_enter(tmp_path):
    name = Path(server_name(tmp_path / "lib", tmp_path / "run"))
    assert name.parent == tmp_path / "run"
    assert (name.parent.stat().st_mode & 0o777) == 0o700
    assert server_name(tmp_path / "lib", tmp_path / "run") == str(name)  # the same library, the same socket
    assert server_name(tmp_path / "other", tmp_path / "run") != str(name)


def test_a_folder_others_may_enter_or_own_is_refused(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(InstanceError, match="another user or others"):
        private_dir(shared)
    (tmp_path / "file").write_text("x")
    with pytest.raises(InstanceError, match="not a folder"):
        private_dir(tmp_path / "file")
    if os.getuid() == 0:
        theirs = tmp_path / "theirs"
        theirs.mkdir(mode=0o700)
        os.chown(theirs, NOBODY, NOBODY)
        with pytest.raises(InstanceError):
            private_dir(theirs)


def test_messages_are_json_lists_of_absolute_paths_and_bounded():
    assert decode_message(b'["/a/b.json", "/c"]\n') == [Path("/a/b.json"), Path("/c")]
    assert decode_message(b"[]") == []
    for bad in (b'{"a": 1}', b'"/a"', b'["/a", 3]', b'["relative.json"]', b'[""]', b"not json", b'["/a\\u0000b"]',
                b"[" + b'"/x",' * (MAX_MESSAGE // 5) + b'"/y"]'):
        assert decode_message(bad) is None, bad[:40]


def _send_raw(name: str, data: bytes, as_user: int | None = None, python: str = sys.executable) -> subprocess.Popen:
    code = ("import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); "
            "data = sys.stdin.buffer.read()\ntry: s.sendall(data)\nexcept OSError: pass")
    kwargs = {"user": as_user, "group": as_user, "extra_groups": []} if as_user is not None else {}
    process = subprocess.Popen([python, "-c", code, name], stdin=subprocess.PIPE, **kwargs)
    process.stdin.write(data)
    process.stdin.close()
    return process


@pytest.mark.parametrize("data", [
    b'{"files": ["/etc/passwd"]}\n',
    b'["/ok.json", {"x": 1}]\n',
    b'["' + b"a" * (MAX_MESSAGE + 10) + b'"]\n',
    b"\xff\xfe garbage\n",
], ids=["object", "not-strings", "too-large", "garbage"])
def test_a_bad_message_is_dropped_and_the_server_carries_on(qtbot, tmp_path, data):
    name = server_name(tmp_path / "lib", tmp_path / "run")
    server = InstanceServer(name)
    received = []
    server.files_received.connect(received.append)
    sender = _send_raw(name, data)
    qtbot.waitUntil(lambda: sender.poll() is not None, timeout=10_000)
    qtbot.wait(200)
    assert received == []
    good = tmp_path / "good.json"
    with qtbot.waitSignal(server.files_received, timeout=5_000) as signal_:
        assert hand_over(name, [good])
    assert signal_.args == [[good]]


@pytest.mark.skipif(not hasattr(socket, "SO_PEERCRED") or os.getuid() != 0,
                    reason="needs Linux and root to run a peer as another user")
def test_another_user_reaching_the_socket_is_refused(qtbot, tmp_path):
    python = next((p for p in ("/usr/bin/python3", "/usr/local/bin/python3") if os.access(p, os.X_OK)), None)
    if python is None:
        pytest.skip("no Python that another user may run")
    open_dir = Path(tempfile.mkdtemp(dir="/tmp"))  # pytest's own folders are closed to other users
    open_dir.chmod(0o755)
    name = str(open_dir / "s.sock")  # a socket others can reach: only the peer check stands in the way
    server = InstanceServer(name)
    os.chmod(name, 0o777)
    received = []
    server.files_received.connect(received.append)
    try:
        sender = _send_raw(name, json.dumps(["/tmp/from-another-user.json"]).encode() + b"\n", NOBODY, python)
        qtbot.waitUntil(lambda: sender.poll() is not None, timeout=10_000)
        qtbot.wait(300)
        assert sender.returncode == 0 and received == []  # it connected and wrote, and was not heard
        with qtbot.waitSignal(server.files_received, timeout=5_000):
            assert hand_over(name, [tmp_path / "mine.json"])
    finally:
        shutil.rmtree(open_dir, ignore_errors=True)


def _launch(tmp_path: Path, library: Path) -> subprocess.Popen:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ARTICLE_BROWSER_RUNTIME=str(tmp_path / "run"),
               ARTICLE_BROWSER_CONFIG=str(tmp_path / "settings.ini"), ARTICLE_BROWSER_LOGS=str(tmp_path / "logs"),
               ARTICLE_BROWSER_CACHE=str(tmp_path / "cache"))
    return subprocess.Popen([sys.executable, "-m", "desktop", "--library", str(library)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _settle(launches: list[subprocess.Popen], timeout: float = 40) -> list[subprocess.Popen]:
    """Wait until all but one launch have ended; returns those still running a moment later."""
    deadline = time.monotonic() + timeout
    while sum(p.poll() is None for p in launches) > 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)
    return [p for p in launches if p.poll() is None]


def test_launches_close_together_open_exactly_one_window(tmp_path):
    library = tmp_path / "library"
    for _ in range(2):
        launches = [_launch(tmp_path, library) for _ in range(3)]
        try:
            running = _settle(launches)
            assert len(running) == 1
            assert all(p.returncode == 0 for p in launches if p not in running)
        finally:
            for process in launches:
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)  # also leaves a stale socket for the next round
                    process.wait()
