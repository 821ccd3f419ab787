"""Exporting posts from the library: Markdown, HTML, EPUB and JSON (PDF needs QtGui and lives in desktop.ui).

``export`` picks the writer for a format and returns the runner's generator (``runner.run_export``): it
yields ``ExportProgress`` after each post and ends with an ``ExportResult``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

from desktop.core.export.epub import EpubWriter
from desktop.core.export.html import HtmlWriter
from desktop.core.export.json_array import JsonWriter
from desktop.core.export.markdown import MarkdownWriter
from desktop.core.export.prepare import ImagePolicy
from desktop.core.export.runner import (
    Entry,
    ExportProgress,
    ExportResult,
    RecordWriter,
    Writer,
    describe_os_error,
    run_export,
    selected_entries,
)
from desktop.core.library import Library

Format = Literal["md", "html", "epub", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "epub", "json")
SUFFIXES = {"md": ".md", "html": ".html", "epub": ".epub", "json": ".json", "pdf": ".pdf"}

__all__ = ["FORMATS", "SUFFIXES", "Entry", "ExportProgress", "ExportResult", "Format", "ImagePolicy",
           "describe_os_error", "export", "make_writer", "run_export", "selected_entries"]


def make_writer(library: Library, fmt: Format, output: Path, title: str = "Articles") -> Writer | RecordWriter:
    """The writer for ``fmt``. Markdown and HTML write a folder unless ``output`` ends in ``.md`` / ``.html``."""
    suffix = output.suffix.lower()
    if fmt == "md":
        return MarkdownWriter(one_file=suffix in (".md", ".markdown"))
    if fmt == "html":
        return HtmlWriter(folder=suffix not in (".html", ".htm"), title=title)
    if fmt == "epub":
        return EpubWriter(title=title)
    if fmt == "json":
        return JsonWriter(library)
    raise ValueError(f"unknown export format {fmt!r}")


def export(library: Library, fmt: Format, output: Path, entries: Sequence[Entry], *, title: str = "Articles",
           images: ImagePolicy | None = None,
           cancel: threading.Event | None = None) -> Iterator[ExportProgress | ExportResult]:
    """Export ``entries`` (see ``selected_entries``) as ``fmt`` to ``output``; a generator of progress.

    JSON is written in import order (by library id), so importing it into an empty library gives every post
    the id it had here.
    """
    if fmt == "json":
        entries = sorted(entries, key=lambda entry: entry.id)
    return run_export(library, entries, make_writer(library, fmt, output, title), output, images=images,
                      cancel=cancel)
