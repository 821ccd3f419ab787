"""Composition root: arguments → headless command, or paths → Library → window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop import cli
from desktop.paths import library_dir, settings_file


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``article-browser`` and ``python -m desktop``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if _wants_cli(args):
        return cli.run(args)
    parser = argparse.ArgumentParser(prog="article-browser", parents=[cli.common_options()],
                                     description="Open the window; import FILEs and folders given.")
    parser.add_argument("files", nargs="*", metavar="FILE", type=Path, help="WordPress JSON files or folders")
    options = parser.parse_args(args)
    folder = library_dir(getattr(options, "library", None))
    from desktop.ui.app import start  # Qt loads only when a window is wanted

    return start(folder, settings_file(), [f.absolute() for f in options.files])


def _wants_cli(args: list[str]) -> bool:
    """A subcommand, --help or --version anywhere before the first file argument."""
    skip_next = False
    for arg in args:
        if skip_next:
            skip_next = False
        elif arg == "--library":
            skip_next = True
        elif arg in ("-h", "--help", "--version") or arg in cli.SUBCOMMANDS:
            return True
        elif not arg.startswith("-"):
            return False
    return False
