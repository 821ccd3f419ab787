"""Hostile posts in the reader: time to show each, and the longest stall of the GUI thread.

    python benchmarks/pathological.py

Each post (generated here, up to 5 MB) is cleaned on a worker thread, as the window does, then shown in the
reader (``setHtml`` and layout, Qt offscreen) on the GUI thread. A 5 ms GUI-thread timer runs throughout; its
longest gap is the longest time the window could not respond. Target: every post shown within 3 s.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

TARGET_S = 3.0


def posts() -> dict[str, str]:
    """The hostile posts, by name."""
    sentence = "The quick brown fox jumps over the lazy dog while the harbour wakes. "
    return {
        "22 nested tables": "<table><tr><td>" * 22 + "deep" + "</td></tr></table>" * 22,
        "50 nested tables": "<table><tr><td>" * 50 + "deep" + "</td></tr></table>" * 50,
        "5 MB single word": "<p>" + "a" * 5_000_000 + "</p>",
        "100,000 unclosed <p><b>": "<p><b>x" * 100_000,
        "10,000 nested lists": "<ul><li>" * 10_000 + "deep",
        "10,000 nested quotes": "<blockquote>" * 10_000 + "deep",
        "10,000 nested <b><i>": "<b><i>" * 10_000 + "deep",
        "5 MB paragraph": "<p>" + sentence * (5_000_000 // len(sentence)) + "</p>",
        "5 MB of paragraphs": ("<p>" + sentence * 8 + "</p>\n") * (5_000_000 // (len(sentence) * 8 + 9)),
        "100,000 table rows": "<table>" + "<tr><td>a</td><td>b</td></tr>" * 100_000 + "</table>",
    }


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from heartbeat import Heartbeat
    from PySide6.QtWidgets import QApplication

    from desktop.core.content import clean_content
    from desktop.ui.reader import ImageLoader, ReaderPane

    app = QApplication([])
    pane = ReaderPane(ImageLoader(str(Path(os.environ.get("TMPDIR", "/tmp")) / "pathological-cache")))
    pane.resize(1000, 800)
    pane.show()
    heartbeat = Heartbeat()
    worst = 0.0
    print(f"{'post':28} {'size':>8} {'clean':>8} {'show':>8} {'total':>8} {'GUI stall':>10}")
    for name, markup in posts().items():
        result: list[str] = []
        heartbeat.start()
        started = time.perf_counter()
        worker = threading.Thread(target=lambda m=markup, r=result: r.append(clean_content(m)))
        worker.start()
        while worker.is_alive():
            app.processEvents()
            time.sleep(0.002)
        cleaned = time.perf_counter()
        pane.reader.show_post(result[0], False)
        pane.reader.document().size()  # the layout, done
        app.processEvents()
        shown = time.perf_counter()
        heartbeat.stop()
        total = shown - started
        worst = max(worst, total)
        print(f"{name:28} {len(markup) / 1e6:6.1f}MB {cleaned - started:7.2f}s {shown - cleaned:7.2f}s "
              f"{total:7.2f}s {heartbeat.longest:8d}ms")
    print(f"slowest: {worst:.2f} s (target {TARGET_S:.0f} s)")


if __name__ == "__main__":
    main()
