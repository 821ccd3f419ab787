"""Headless subcommands over the core: import, list, search, show, stats.

Exit codes: 0 success; 1 when a file failed to import, a post was not found or the library could not be
opened; 2 for usage errors.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import re
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from desktop import __version__
from desktop.cli_args import date_arg
from desktop.cli_export import add_export_parser, export_command
from desktop.cli_sync import add_sync_parser, prepare, sync_command
from desktop.core.importer import Progress, Summary, import_paths
from desktop.core.library import Library, LibraryError, PostFilter, PostRow
from desktop.core.navigation import site_label
from desktop.core.parsing import LOCAL_PREFIX
from desktop.core.reading import read_post
from desktop.core.render import format_utc, status_label
from desktop.core.taxonomy import as_int
from desktop.paths import library_dir

SUBCOMMANDS = ("import", "list", "search", "show", "stats", "export", "sync")


def common_options() -> argparse.ArgumentParser:
    """Options every command takes, before or after the subcommand."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--library", metavar="DIR", default=argparse.SUPPRESS,
                        help="the library folder (default: $ARTICLE_BROWSER_HOME or the user data folder)")
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The parser for the headless subcommands."""
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="article-browser", parents=[common],
        description="Read WordPress articles offline. Without a command, opens the window.",
        epilog="article-browser [--library DIR] [FILE ...] opens the window and imports the files and folders "
               "given (a window already open on the library receives them instead).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    imp = commands.add_parser("import", parents=[common], help="import WordPress JSON files and folders")
    imp.add_argument("paths", nargs="+", metavar="PATH", type=Path)

    lst = commands.add_parser("list", parents=[common], help="list posts, newest first")
    lst.add_argument("--category", metavar="NAME|SLUG", help="posts in this category or its subcategories")
    lst.add_argument("--uncategorized", action="store_true", help="posts without any category")
    lst.add_argument("--tag", metavar="NAME|SLUG", help="posts with this tag")
    lst.add_argument("--site", metavar="HOST", help="posts from this site, e.g. www.example.com; \"\" for the "
                     "sources that name no site")
    lst.add_argument("--type", metavar="TYPE", help="post, page, or a custom post type")
    lst.add_argument("--since", metavar="DATE", type=date_arg, help="on or after this UTC date (YYYY-MM-DD)")
    lst.add_argument("--until", metavar="DATE", type=date_arg, help="on or before this UTC date (YYYY-MM-DD)")
    lst.add_argument("--limit", metavar="N", type=_positive, default=50, help="at most N posts (default 50)")
    lst.add_argument("--json", action="store_true", help="a JSON array of post objects")

    search = commands.add_parser("search", parents=[common], help="full-text search, best match first")
    search.add_argument("query", help='words, prefixes (nato*) and "quoted phrases"')
    search.add_argument("--limit", metavar="N", type=_positive, default=50, help="at most N posts (default 50)")
    search.add_argument("--json", action="store_true", help="a JSON array of post objects")

    show = commands.add_parser("show", parents=[common], help="show one post by its library id")
    show.add_argument("id", type=_post_id)
    form = show.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="the post object")
    form.add_argument("--text", action="store_true", help="the post as plain text (the default)")
    form.add_argument("--raw", action="store_true", help="the JSON exactly as imported")

    stats = commands.add_parser("stats", parents=[common], help="what the library holds")
    stats.add_argument("--json", action="store_true")
    add_export_parser(commands, common)
    add_sync_parser(commands, common)
    return parser


def _positive(text: str) -> int:
    value = as_int(text)
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number below 2**63: {text!r}")
    return value


def _post_id(text: str) -> int:
    value = as_int(text.strip())
    if value is None:
        raise argparse.ArgumentTypeError(f"not a post id: {text!r} (ids are the first column of 'list')")
    return value


def _day_after(moment: datetime) -> int:
    """Epoch seconds a day after ``moment`` (which may be the last day datetime can hold)."""
    return int(moment.timestamp()) + 86400


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text from data with control characters (terminal escapes among them) shown as U+FFFD."""
    return _CONTROL.sub("\ufffd", text)


def run(argv: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run one subcommand; returns the exit code."""
    args = build_parser().parse_args(argv)
    for stream in (out, err):  # a file name that is not UTF-8 is printed with escapes, not a traceback
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    if args.command == "sync" and not prepare(library_dir(getattr(args, "library", None)), args.addresses, err):
        return 1
    try:
        library = Library.open(library_dir(getattr(args, "library", None)),
                               create=args.command in ("import", "sync"))
    except LibraryError as error:
        print(f"article-browser: {error}", file=err)
        return 1
    with library:
        handler = {"import": _import, "list": _list, "search": _search, "show": _show, "stats": _stats,
                   "export": export_command, "sync": sync_command}
        try:
            return handler[args.command](library, args, out, err)
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as other tools do
            _silence(out)
            return 1


def _silence(out: TextIO) -> None:
    """Send what is still buffered for a closed pipe nowhere, so that exiting does not fail again."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())


def _import(library: Library, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    live = err.isatty()
    summary: Summary | None = None
    for event in import_paths(library, args.paths):
        if isinstance(event, Progress):
            if live and event.current_file is not None:
                print(f"\r\x1b[K[{event.files_done}/{event.files_total}] {event.posts_done:,} posts  "
                      f"{event.current_file.name}", end="", file=err, flush=True)
        else:
            summary = event
    if live:
        print("\r\x1b[K", end="", file=err, flush=True)
    assert summary is not None
    for result in summary.files:
        print(f"{result.status:>9}  {result.path}: {result.reason()}", file=out)
    print(summary.headline(), file=out)
    return 0 if summary.ok else 1


def _list(library: Library, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    site_id = None
    local_ids: list[int] = []
    if args.site == "":  # the sources that named no site: one per folder they were imported from
        local_ids = [i for host, i in library.site_ids().items() if host.startswith(LOCAL_PREFIX)]
        if not local_ids:
            print("article-browser: every source in the library names its site", file=err)
            return 1
    elif args.site:
        site_id = library.site_ids().get(args.site.lower())
        if site_id is None:
            print(f"article-browser: no site {args.site!r} in the library", file=err)
            return 1
    flt = PostFilter(
        term_ids=_term_ids(library, "category", args.category, args.site),
        tag_ids=_term_ids(library, "post_tag", args.tag, args.site),
        no_category=args.uncategorized,
        site_id=site_id,
        types=(args.type,) if args.type else (),
        since=int(args.since.timestamp()) if args.since else None,
        until=_day_after(args.until) if args.until else None,
    )
    for name, value, ids in (("category", args.category, flt.term_ids), ("tag", args.tag, flt.tag_ids)):
        if value and not ids:
            print(f"article-browser: no {name} named {value!r} in the library", file=err)
            return 1
    filters = [dataclasses.replace(flt, site_id=i) for i in local_ids] or [flt]
    rows = [row for each in filters for row in library.list_posts(each, limit=args.limit)]
    rows.sort(key=lambda row: (row.date_utc is not None, row.date_utc or 0, row.id), reverse=True)
    _print_posts(rows[:args.limit], args.json, out)
    total = sum(library.count_posts(each) for each in filters)
    if total > args.limit:
        print(f"article-browser: showing {args.limit:,} of {total:,} posts; --limit N shows more", file=err)
    return 0


def _term_ids(library: Library, taxonomy: str, value: str | None, site: str | None) -> tuple[int, ...]:
    if not value:
        return ()
    return tuple(t.id for t in library.find_terms(taxonomy, value, site.lower() if site else None))


def _search(library: Library, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    _print_posts(library.list_posts(PostFilter(search=args.query), limit=args.limit), args.json, out)
    return 0


def _show(library: Library, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rendered = read_post(library, args.id)
    raw = library.raw_json(args.id)
    if rendered is None or raw is None:
        print(f"article-browser: no post with id {args.id} (ids are the first column of 'list')", file=err)
        return 1
    if args.raw:
        out.write(raw)
        out.write("\n")
    elif args.json:
        print(json.dumps(post_object(rendered.row), ensure_ascii=False, indent=2), file=out)
    else:
        out.write(printable(rendered.text))
    return 0


def _stats(library: Library, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    stats = library.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2), file=out)
        return 0
    print(f"Library: {stats['library']} ({stats['file_bytes'] / 1e6:.1f} MB, schema {stats['schema_version']})",
          file=out)
    kinds = ", ".join(f"{n} {t}" for t, n in stats["posts_by_type"].items())
    print(f"Posts: {stats['posts']}" + (f" ({kinds})" if kinds else ""), file=out)
    print(f"Unread: {stats['unread']}  Starred: {stats['starred']}", file=out)
    print(f"Sites: {len(stats['sites'])}", file=out)
    names = library.site_names()
    for host, count in stats["sites"].items():
        print(printable(f"  {site_label(host, names.get(host))}: {count}"), file=out)
    terms = ", ".join(f"{n} {t}" for t, n in stats["terms"].items()) or "none"
    print(f"Terms: {terms}  Authors: {stats['authors']}  Media: {stats['media']}", file=out)
    if stats["first_date_utc"] is not None:
        print(f"Dates: {format_utc(stats['first_date_utc'])} to {format_utc(stats['last_date_utc'])}", file=out)
    return 0


def post_object(row: PostRow) -> dict[str, Any]:
    """The stable JSON object for a post (documented in the README)."""
    return {
        "id": row.id,
        "site": row.site,
        "type": row.type,
        "wp_id": row.wp_id,
        "title": row.title,
        "date_utc": None if row.date_is_local else format_utc(row.date_utc),
        "date_local": row.date_local,
        "categories": list(row.categories),
        "tags": list(row.tags),
        "author": row.author,
        "link": row.link,
        "excerpt": row.excerpt,
        "status": row.status,
        "sticky": row.sticky,
    }


def _print_posts(rows: list[PostRow], as_json: bool, out: TextIO) -> None:
    if as_json:
        print(json.dumps([post_object(r) for r in rows], ensure_ascii=False, indent=2), file=out)
        return
    for row in rows:
        date = (format_utc(row.date_utc) or "")[:10] or "undated   "
        cats = f"  [{', '.join(row.categories)}]" if row.categories else ""
        label = status_label(row.status, row.removed)
        status = f"[{label}] " if label else ""
        line = f"{row.id:>7}  {date}  {status}{row.title or '(untitled)'}{cats}  ({site_label(row.site)})"
        print(printable(line), file=out)
