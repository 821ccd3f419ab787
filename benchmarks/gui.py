"""The window at scale: cold start, filter switching, memory, and GUI-thread stalls during an import.

    python benchmarks/gui.py [--posts 100000] [--data benchmarks/data]

Uses the library and corpora that queries.py and import_speed.py build (building them if missing), and runs
Qt offscreen. Each measurement runs in a fresh process:

- cold start: from launching the process to a painted window whose list shows its first rows (or the empty
  state), for an empty library and for the large one, median of 5 each (target: ratio <= 1.3);
- switching: selecting a category, a month, a tag, and typing a search, to the list showing the new rows,
  median and worst (target <= 100 ms), then the process's peak RSS (target <= 250 MB);
- stalls: the longest gap between ticks of a 5 ms timer on the GUI thread while the 20,000-post corpus is
  dropped on the window and imported (target <= 100 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))


def _child_env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))


def cold_start(library: Path, runs: int = 5) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as settings:
        for _ in range(runs):
            started = time.perf_counter()
            done = subprocess.run([sys.executable, str(Path(__file__)), "--child-start", str(library),
                                   str(Path(settings) / "s.ini")], capture_output=True, text=True,
                                  env=_child_env(), check=True)
            assert "ready" in done.stdout, done.stdout + done.stderr
            times.append(time.perf_counter() - started)
    return times


def _open_window(library: Path, settings: Path):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop.ui.library_worker import LibraryWorker
    from desktop.ui.main_window import MainWindow

    app = QApplication([])
    worker = LibraryWorker(library)
    worker.start()
    window = MainWindow(library, worker, QSettings(str(settings), QSettings.Format.IniFormat))
    window.show()
    return app, worker, window


def _child_start(library: Path, settings: Path) -> None:
    from PySide6.QtCore import QTimer

    app, worker, window = _open_window(library, settings)

    def check() -> None:
        populated = window.posts.rowCount() > 0 and window.sidebar_model.rowCount() > 0
        empty = window.pages.currentWidget() is window.empty
        if (populated or empty) and not window.posts.loading:
            window.grab()  # paint it
            print("ready", flush=True)
            app.quit()
        else:
            QTimer.singleShot(1, check)

    QTimer.singleShot(0, check)
    app.exec()
    worker.stop()


def _child_switch(library: Path, settings: Path) -> None:
    from heartbeat import wait_until

    app, worker, window = _open_window(library, settings)

    def wait(condition) -> None:
        wait_until(app, condition, 30.0)

    wait(lambda: window.sidebar_model.rowCount() > 0 and not window.posts.loading)

    keys = []
    for node in window.browsing.nodes:
        if node.key in ("categories", "dates", "tags"):
            for child in node.children[:3]:
                keys.append(child.key)
                keys.extend(grand.key for grand in child.children[:2])
    timings: list[tuple[str, float]] = []
    for key in keys:
        index = window.sidebar_model.index_of(key)
        started = time.perf_counter()
        window.sidebar.setCurrentIndex(index)
        wait(lambda: not window.posts.loading)
        window.post_list.viewport().repaint()
        timings.append((f"select {key}", (time.perf_counter() - started) * 1000))
    window.sidebar.setCurrentIndex(window.sidebar_model.index_of("all"))
    wait(lambda: not window.posts.loading)
    for query in ("zürich", "nato*", "ukraine embassy", '"climate research"'):
        started = time.perf_counter()
        window.search.setText(query)
        window.on_search()  # what the debounce timer fires; the typing delay itself is not the point
        wait(lambda: not window.posts.loading)
        window.post_list.viewport().repaint()
        timings.append((f"search {query}", (time.perf_counter() - started) * 1000))
    for label, ms in timings:
        print(f"{label}\t{ms:.1f}")
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM"))
    print(f"peak\t{int(peak.split()[1]) / 1024:.0f}")
    worker.stop()


def _child_stalls(library: Path, settings: Path, corpus: Path) -> None:
    from heartbeat import Heartbeat
    from PySide6.QtCore import QTimer

    app, worker, window = _open_window(library, settings)
    heartbeat = Heartbeat()

    def begin() -> None:
        heartbeat.start()
        window.import_paths([corpus])

    def finish() -> None:
        if window.imports.busy or window.posts.loading:
            QTimer.singleShot(50, finish)
            return
        heartbeat.stop()
        print(f"ticks\t{len(heartbeat.gaps)}\nmax_gap\t{heartbeat.longest}\nelapsed\t{heartbeat.elapsed()}")
        print(f"status\t{window.import_status.label.text() or window.statusBar().currentMessage()}")
        app.quit()

    QTimer.singleShot(200, begin)
    QTimer.singleShot(1000, finish)
    app.exec()
    worker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--child-start", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-switch", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-stalls", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_start:
        return _child_start(*args.child_start)
    if args.child_switch:
        return _child_switch(*args.child_switch)
    if args.child_stalls:
        return _child_stalls(*args.child_stalls)

    from corpus import generate
    from queries import build

    big = build(args.data, args.posts) / "library.sqlite3"
    with tempfile.TemporaryDirectory() as work:
        empty = Path(work) / "empty"
        from desktop.core.library import Library

        Library.open(empty).close()
        empty_times = cold_start(empty)
        big_times = cold_start(big.parent)
        e, b = statistics.median(empty_times), statistics.median(big_times)
        print(f"cold start, empty library:      median {e * 1000:6.0f} ms  ({', '.join(f'{t * 1000:.0f}' for t in empty_times)})")
        print(f"cold start, {args.posts:,} posts: median {b * 1000:6.0f} ms  ({', '.join(f'{t * 1000:.0f}' for t in big_times)})")
        print(f"ratio: {b / e:.2f}  (target <= 1.3)")

        done = subprocess.run([sys.executable, str(Path(__file__)), "--child-switch", str(big.parent),
                               str(Path(work) / "s.ini")], capture_output=True, text=True, env=_child_env(),
                              check=True)
        rows = [line.split("\t") for line in done.stdout.splitlines()]
        timings = [(label, float(ms)) for label, ms in rows if label != "peak"]
        for label, ms in timings:
            print(f"  {label:<40} {ms:6.1f} ms")
        values = [ms for _, ms in timings]
        print(f"switching: median {statistics.median(values):.1f} ms, worst {max(values):.1f} ms  (target <= 100 ms)")
        print(f"peak RSS after switching: {dict(rows)['peak']} MB  (target <= 250 MB)")

        corpus = args.data / "corpus-20000"
        if not (corpus / "users.json").exists():
            generate(corpus, 20_000)
        fresh = Path(work) / "import-target"
        Library.open(fresh).close()
        done = subprocess.run([sys.executable, str(Path(__file__)), "--child-stalls", str(fresh),
                               str(Path(work) / "s2.ini"), str(corpus)], capture_output=True, text=True,
                              env=_child_env(), check=True)
        stats = dict(line.split("\t") for line in done.stdout.splitlines())
        print(f"import of {corpus.name} by drop: {int(stats['elapsed']) / 1000:.1f} s, longest GUI-thread gap "
              f"{stats['max_gap']} ms over {stats['ticks']} ticks  (target <= 100 ms)")
        print(f"  {stats['status']}")


if __name__ == "__main__":
    main()
