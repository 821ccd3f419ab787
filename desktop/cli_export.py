"""The ``export`` subcommand: posts out of the library as Markdown, HTML, EPUB, PDF or JSON.

``article-browser export --format md|html|epub|pdf|json --output PATH`` followed by post ids, or the
filters of ``list``, or ``--search QUERY``. Images come from the window's image cache and the sites the user
allowed in it (never from the network); PDF needs Qt's text layout and loads it only when asked for.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from desktop.cli_args import date_arg
from desktop.core.export import SUFFIXES, ExportProgress, ExportResult, ImagePolicy, export, selected_entries
from desktop.core.export.runner import Writer, run_export
from desktop.core.export.titles import export_title
from desktop.core.library import Library, PostFilter
from desktop.paths import cache_dir, settings_file

FORMAT_CHOICES = ("md", "html", "epub", "pdf", "json")


def add_export_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``export`` to the subcommands."""
    exp = commands.add_parser(
        "export", parents=[common], help="export posts as Markdown, HTML, EPUB, PDF or JSON",
        description="Export posts: the ids given, else the posts --search finds, else every post the filters "
                    "select (all posts without any). Markdown and HTML write a folder unless PATH ends in .md or "
                    ".html; JSON re-imports into an identical library.")
    exp.add_argument("ids", nargs="*", type=int, metavar="ID", help="library ids (the first column of 'list')")
    exp.add_argument("--format", required=True, choices=FORMAT_CHOICES)
    exp.add_argument("--output", required=True, type=Path, metavar="PATH", help="the file or folder to write")
    exp.add_argument("--title", help="the title of a book, PDF or HTML index (default: named after what is "
                                      "exported: the category, the search, the site…; else 'Articles')")
    exp.add_argument("--search", metavar="QUERY", help="the posts a full-text search finds, best match first")
    exp.add_argument("--category", metavar="NAME|SLUG", help="posts in this category or its subcategories")
    exp.add_argument("--uncategorized", action="store_true", help="posts without any category")
    exp.add_argument("--tag", metavar="NAME|SLUG", help="posts with this tag")
    exp.add_argument("--site", metavar="HOST", help="posts from this site")
    exp.add_argument("--type", metavar="TYPE", help="post, page, or a custom post type")
    exp.add_argument("--since", metavar="DATE", type=date_arg, help="on or after this UTC date (YYYY-MM-DD)")
    exp.add_argument("--until", metavar="DATE", type=date_arg, help="on or before this UTC date (YYYY-MM-DD)")
    exp.add_argument("--no-images", action="store_true", help="leave every image out (its alt text stays)")


def _filter(library: Library, args: argparse.Namespace) -> PostFilter | str:
    """The filter the options describe, or what is wrong with them."""
    site_id = None
    if args.site:
        site_id = library.site_ids().get(args.site.lower())
        if site_id is None:
            return f"no site {args.site!r} in the library"
    site = args.site.lower() if args.site else None
    ids = {}
    for taxonomy, name, value in (("category", "category", args.category), ("post_tag", "tag", args.tag)):
        ids[taxonomy] = tuple(t.id for t in library.find_terms(taxonomy, value, site)) if value else ()
        if value and not ids[taxonomy]:
            return f"no {name} named {value!r} in the library"
    return PostFilter(
        term_ids=ids["category"], tag_ids=ids["post_tag"], no_category=args.uncategorized, site_id=site_id,
        types=(args.type,) if args.type else (),
        since=int(args.since.timestamp()) if args.since else None,
        until=int((args.until + timedelta(days=1)).timestamp()) if args.until else None,
        search=args.search or None,
    )


def _policy(no_images: bool) -> ImagePolicy:
    """The window's image cache and allowed sites (read through Qt), or no images when Qt is unavailable."""
    if no_images:
        return ImagePolicy()
    try:
        from desktop.ui.export_images import image_policy
    except ImportError:
        return ImagePolicy()
    return image_policy(settings_file(), cache_dir() / "images")


def export_command(library: Library, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``export``; 0 when the output was written, 1 when it could not be."""
    if args.ids:
        flt: PostFilter | str | None = None
        entries = selected_entries(library, ids=args.ids)
        missing = len(set(args.ids)) - len(entries)
        if missing:
            print(f"article-browser: {missing} of the ids given are not in the library", file=err)
            return 1
    else:
        flt = _filter(library, args)
        if isinstance(flt, str):
            print(f"article-browser: {flt}", file=err)
            return 1
        entries = selected_entries(library, flt=flt)
    output = args.output.expanduser().absolute()
    images = _policy(args.no_images)
    title = args.title or export_title(library, flt if isinstance(flt, PostFilter) else None, ids=args.ids)
    if args.format == "pdf":
        from desktop.ui.export_pdf import PdfWriter, ensure_gui

        ensure_gui()
        writer: Writer = PdfWriter(title)
        events = run_export(library, entries, writer, output, images=images)
    else:
        events = export(library, args.format, output, entries, title=title, images=images)
    return _report(events, args.format, out, err)


def _report(events: Iterator[ExportProgress | ExportResult], fmt: str, out: TextIO, err: TextIO) -> int:
    live = err.isatty()
    result: ExportResult | None = None
    for event in events:
        if isinstance(event, ExportProgress):
            if live:
                print(f"\r\x1b[K[{event.done}/{event.total}] {event.title[:60]}", end="", file=err, flush=True)
        else:
            result = event
    if live:
        print("\r\x1b[K", end="", file=err, flush=True)
    assert result is not None
    if not result.ok:
        print(f"article-browser: {result.error or 'the export was cancelled'}", file=err)
        return 1
    images = f", {result.images} image{'s' if result.images != 1 else ''} from the cache" if result.images else ""
    noun = "post" if result.posts == 1 else "posts"
    print(f"Exported {result.posts} {noun} as {fmt.upper()}{images} to {result.path}", file=out)
    if fmt in ("epub", "pdf", "json") and result.path and result.path.suffix.lower() != SUFFIXES[fmt]:
        print(f"(note: {result.path.name} does not end in {SUFFIXES[fmt]})", file=err)
    return 0
