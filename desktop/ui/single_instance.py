"""One window per library: a second ``article-browser FILE...`` hands its files to the running one.

The socket and a lock file live in a folder only this user can enter (the runtime directory, or a private
0700 folder; see ``paths.runtime_dir``), so no other local user can bind the name first or read the paths.
On Linux the peer's user is checked as well (``SO_PEERCRED``). A launch becomes the window only while it
holds the lock (``claim``), so two launches close together still open exactly one window. A hand-over is one
JSON list of absolute paths, at most ``MAX_MESSAGE`` bytes; anything else is dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import stat
import struct
import sys
import time
from pathlib import Path
from typing import IO

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop.paths import runtime_dir

TIMEOUT_MS = 1500
MAX_MESSAGE = 1 << 20  # bytes: some thousands of paths
CLAIM_TIMEOUT = 15.0  # seconds a launch waits for another one that is starting on the same library


class InstanceError(Exception):
    """The private folder for the socket is not safe to use; the message says why."""


def private_dir(folder: Path | None = None) -> Path:
    """The folder for sockets and locks, created 0700; refused unless it is this user's and private."""
    folder = folder or runtime_dir()
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700, parents=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise InstanceError(f"{folder} is not a folder")
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
        raise InstanceError(f"{folder} belongs to another user or others may enter it")
    return folder


def server_name(library: Path, folder: Path | None = None) -> str:
    """The local socket for a library: a path in the private folder (a pipe name on Windows)."""
    key = hashlib.sha256(str(library.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    if sys.platform == "win32":  # named pipes are not files; QLocalServer's UserAccessOption guards them
        return f"article-browser-{os.environ.get('USERNAME', '')}-{key}"
    return str(private_dir(folder) / f"{key}.sock")


def same_user(descriptor: int) -> bool:
    """Whether the process at the other end of a local socket runs as this user (Linux; True elsewhere)."""
    if not hasattr(socket, "SO_PEERCRED") or descriptor < 0:
        return True  # the private folder is the guarantee here
    with socket.socket(fileno=os.dup(descriptor)) as peer:
        credentials = peer.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", credentials)
    return bool(uid == os.getuid())


def decode_message(data: bytes) -> list[Path] | None:
    """The paths in a hand-over message, or None unless it is a JSON list of absolute path strings."""
    if len(data) > MAX_MESSAGE:
        return None
    try:
        value = json.loads(data.decode("utf-8", "surrogateescape"))
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(p, str) and p and "\0" not in p for p in value):
        return None
    paths = [Path(p) for p in value]
    return paths if all(p.is_absolute() for p in paths) else None


def hand_over(name: str, files: list[Path]) -> bool:
    """Give ``files`` to the instance listening on ``name``; False when none is running (or it is not ours)."""
    socket_ = QLocalSocket()
    socket_.connectToServer(name)
    if not socket_.waitForConnected(TIMEOUT_MS):
        return False
    if not same_user(int(socket_.socketDescriptor())):
        socket_.abort()
        return False
    message = json.dumps([os.fsdecode(f.absolute()) for f in files]).encode("utf-8", "surrogateescape") + b"\n"
    written = len(message) <= MAX_MESSAGE and socket_.write(message) == len(message)
    while written and socket_.bytesToWrite() > 0:
        written = socket_.waitForBytesWritten(TIMEOUT_MS)
    socket_.disconnectFromServer()
    if socket_.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket_.waitForDisconnected(TIMEOUT_MS)
    return written


class Claim:
    """The lock that makes a launch the one window of its library; held until the process ends."""

    def __init__(self, name: str) -> None:
        self._handle: IO[bytes] | None = None
        self._path = Path(name + ".lock") if sys.platform != "win32" else None

    def try_acquire(self) -> bool:
        """Take the lock if no other launch holds it; never waits."""
        if self._path is None:
            return True  # Windows: the named pipe itself can be created only once
        handle = self._path.open("a+b")
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        return True


def claim(name: str, files: list[Path], timeout: float = CLAIM_TIMEOUT) -> Claim | None:
    """Become the window for a library (a ``Claim``), or hand ``files`` to the one that is (None).

    A launch that finds the lock taken but nobody listening yet waits for that window to start listening.
    Raises ``InstanceError`` when neither happens within ``timeout`` seconds.
    """
    lock = Claim(name)
    deadline = time.monotonic() + timeout
    while True:
        if hand_over(name, files):
            return None
        if lock.try_acquire():
            return lock
        if time.monotonic() > deadline:
            raise InstanceError("another Article Browser window is starting on this library and does not answer")
        time.sleep(0.05)


class InstanceServer(QObject):
    """Listens for later launches; ``files_received`` carries what they were asked to open.

    Listen only while holding the library's ``Claim``: a socket file left by a window that crashed is
    then known to be stale and is replaced.
    """

    files_received = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(name):
            QLocalServer.removeServer(name)  # left behind by an instance that crashed
            self._server.listen(name)
        self._server.newConnection.connect(self.on_new_connection)

    @property
    def listening(self) -> bool:
        """Whether later launches can reach this instance."""
        return self._server.isListening()

    def on_new_connection(self) -> None:
        """Read one message of paths from a new connection (of this user only)."""
        connection = self._server.nextPendingConnection()
        if connection is None:
            return
        if not same_user(int(connection.socketDescriptor())):
            connection.abort()
            connection.deleteLater()
            return
        buffer = bytearray()

        def read() -> None:
            buffer.extend(bytes(connection.readAll()))  # type: ignore[call-overload]
            if len(buffer) > MAX_MESSAGE + 1:
                finish()
            elif buffer.endswith(b"\n"):
                finish()
                paths = decode_message(bytes(buffer))
                if paths is not None:
                    self.files_received.emit(paths)

        def finish() -> None:
            # Deleting a connection from its own disconnected signal crashed once the server was gone.
            if not done:
                done.append(True)
                connection.readyRead.disconnect(read)
                connection.abort()
                connection.deleteLater()

        done: list[bool] = []
        connection.readyRead.connect(read)
        connection.disconnected.connect(finish)
        if connection.bytesAvailable():
            read()
