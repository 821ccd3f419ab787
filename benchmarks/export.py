"""Export speed and memory: a 10,000-post library exported as every format, each in a fresh process.

    python benchmarks/export.py [--posts 10000] [--data benchmarks/data] [--formats md,md1,html,htmldir,epub,pdf,json]

1. Generates the corpus (benchmarks/corpus.py: ~7 KB of Gutenberg HTML a post; once, cached under --data) and
   imports it into a fresh library.
2. Exports every post in each format in a fresh process (``--child``), printing the wall time, the output's
   size, the process's peak RSS, and its RSS after 10 % and after 100 % of the posts: flat memory means the
   last two are about equal (nothing grows with the number of posts).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from corpus import generate  # noqa: E402

# name → (format, output file name)
OUTPUTS = {"md": ("md", "posts"), "md1": ("md", "all.md"), "html": ("html", "all.html"),
           "htmldir": ("html", "site"), "epub": ("epub", "all.epub"), "pdf": ("pdf", "all.pdf"),
           "json": ("json", "all.json")}


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1e6


def child(library: Path, name: str, output: Path) -> None:
    """Run one export in this process and print its figures as JSON."""
    from desktop.core.export import ExportProgress, export, run_export, selected_entries
    from desktop.core.library import Library

    fmt, _ = OUTPUTS[name]
    started = time.perf_counter()
    with Library.open(library, create=False) as lib:
        entries = selected_entries(lib)
        if fmt == "pdf":
            from desktop.ui.export_pdf import PdfWriter, ensure_gui

            ensure_gui()
            events = run_export(lib, entries, PdfWriter(), output)
        else:
            events = export(lib, fmt, output, entries)  # type: ignore[arg-type]
        marks = {}
        for event in events:
            if isinstance(event, ExportProgress) and event.done in (event.total // 10, event.total):
                marks[event.done] = _rss_mb()
            last = event
    elapsed = time.perf_counter() - started
    size = sum(p.stat().st_size for p in output.rglob("*")) if output.is_dir() else output.stat().st_size
    print(json.dumps({"seconds": elapsed, "posts": last.posts, "ok": last.ok, "bytes": size,
                      "rss_10": marks.get(len(entries) // 10), "rss_100": marks.get(len(entries)),
                      "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--formats", default=",".join(OUTPUTS))
    parser.add_argument("--child", nargs=3, metavar=("LIBRARY", "NAME", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1], Path(args.child[2]))
        return
    corpus = args.data / f"corpus-{args.posts}"
    if not (corpus / "users.json").exists():
        generate(corpus, args.posts)
    work = Path(tempfile.mkdtemp(prefix="ab-export-"))
    try:
        subprocess.run([sys.executable, "-m", "desktop", "--library", str(work / "lib"), "import", str(corpus)],
                       check=True, stdout=subprocess.DEVNULL, cwd=HERE.parent)
        print(f"{args.posts} posts; each format exported in a fresh process")
        print(f"{'format':8} {'time':>8} {'posts/s':>8} {'output':>9} {'RSS@10%':>8} {'RSS@100%':>9} {'peak':>7}")
        for name in args.formats.split(","):
            output = work / OUTPUTS[name][1]
            run = subprocess.run([sys.executable, __file__, "--child", str(work / "lib"), name, str(output)],
                                 check=True, capture_output=True, text=True, cwd=HERE.parent)
            figures = json.loads(run.stdout.strip().splitlines()[-1])
            print(f"{name:8} {figures['seconds']:7.1f}s {figures['posts'] / figures['seconds']:8.0f} "
                  f"{figures['bytes'] / 1e6:7.1f}MB {figures['rss_10']:6.0f}MB {figures['rss_100']:7.0f}MB "
                  f"{figures['peak']:5.0f}MB")
            shutil.rmtree(output, ignore_errors=True) if output.is_dir() else output.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
