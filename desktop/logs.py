"""The log: one rotated file in the user log folder, and what an uncaught exception leaves in it."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from desktop.paths import log_dir

LOG_NAME = "article-browser.log"
MAX_BYTES = 1_000_000
BACKUPS = 3

log = logging.getLogger("article_browser")


def setup(folder: Path | None = None) -> Path:
    """Log to ``article-browser.log`` (rotated at 1 MB, 3 old files kept); returns the file's path."""
    folder = folder or log_dir()
    path = folder / LOG_NAME
    for old in [h for h in log.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]:
        log.removeHandler(old)
        old.close()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)  # a read-only home still gets its messages somewhere
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path


def install_crash_handler(show: Callable[[str], None], log_path: Path) -> None:
    """Log every uncaught exception (main thread or another) with its traceback, then call ``show``.

    ``show`` gets a short text for a person; the traceback is only in the log. The library needs no
    rescue: every write is a transaction, so an interrupted one simply did not happen.
    """
    def handle(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        log.error("uncaught exception\n%s", "".join(traceback.format_exception(kind, error, trace)))
        show(f"Something went wrong: {error.__class__.__name__}: {error}\n\nYour library is intact. "
             f"The details are in the log:\n{log_path}")

    def handle_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            handle(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = handle
    threading.excepthook = handle_thread
