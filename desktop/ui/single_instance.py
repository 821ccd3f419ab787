"""One window per library: a second ``article-browser FILE...`` hands its files to the running one."""

from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

TIMEOUT_MS = 1500


def server_name(library: Path) -> str:
    """The local socket's name for a library: one per user and library folder."""
    key = f"{getpass.getuser()}\n{library.resolve()}".encode()
    return f"article-browser-{hashlib.sha256(key).hexdigest()[:20]}"


def hand_over(name: str, files: list[Path]) -> bool:
    """Give ``files`` to the instance listening on ``name``; False when none is running."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(TIMEOUT_MS):
        return False
    message = json.dumps([str(f) for f in files]).encode("utf-8") + b"\n"
    written = socket.write(message) == len(message)
    while written and socket.bytesToWrite() > 0:
        written = socket.waitForBytesWritten(TIMEOUT_MS)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(TIMEOUT_MS)
    return written


class InstanceServer(QObject):
    """Listens for later launches; ``files_received`` carries what they were asked to open."""

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
        """Read one message of paths from a new connection."""
        socket = self._server.nextPendingConnection()
        if socket is None:
            return
        buffer = bytearray()

        def read() -> None:
            buffer.extend(bytes(socket.readAll()))
            if buffer.endswith(b"\n"):
                try:
                    paths = [Path(p) for p in json.loads(buffer.decode("utf-8")) if isinstance(p, str)]
                except ValueError:
                    paths = []
                socket.disconnectFromServer()
                self.files_received.emit(paths)

        socket.readyRead.connect(read)
        socket.disconnected.connect(socket.deleteLater)
        if socket.bytesAvailable():
            read()
