"""A GUI-thread heartbeat: a 5 ms timer whose late ticks show how long the GUI thread was busy."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer


class Heartbeat:
    """Start it, do the work, stop it; ``longest`` is the longest gap between ticks in milliseconds."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.gaps: list[int] = []
        self._clock = QElapsedTimer()
        self._last = 0
        self._timer = QTimer(interval=interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps.clear()
        self._clock.start()
        self._last = 0
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def elapsed(self) -> int:
        return self._clock.elapsed()

    @property
    def longest(self) -> int:
        return max(self.gaps, default=0)

    def _tick(self) -> None:
        now = self._clock.elapsed()
        self.gaps.append(now - self._last)
        self._last = now


def wait_until(app, condition, limit: float = 60.0) -> None:
    """Process events until ``condition()`` holds; TimeoutError after ``limit`` seconds."""
    import time

    end = time.perf_counter() + limit
    while not condition():
        app.processEvents()
        if time.perf_counter() > end:
            raise TimeoutError
