"""Markdown export: a folder with one file per post (YAML front matter), or one file for many posts.

A folder gets ``images/`` for the images the cache holds; one file refers to images by their address.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from io import TextIOWrapper
from pathlib import Path

from desktop.core.export.mdconvert import escape, to_markdown
from desktop.core.export.prepare import ImageKind, PreparedPost, byline_parts, post_date
from desktop.core.export.runner import Entry


def _yaml(value: str | None) -> str:
    """A YAML scalar: a double-quoted string (JSON's escapes are YAML's), or null."""
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def front_matter(post: PreparedPost) -> str:
    """The post's metadata as YAML front matter: title, date, site, link, author, categories, tags."""
    row = post.rendered.row
    lines = [
        "---",
        f"title: {_yaml(row.title)}",
        f"date: {_yaml(post_date(post.rendered))}",
        f"site: {_yaml(row.site)}",
        f"link: {_yaml(row.link)}",
        f"author: {_yaml(row.author)}",
        f"categories: [{', '.join(_yaml(c) for c in row.categories)}]",
        f"tags: [{', '.join(_yaml(t) for t in row.tags)}]",
        "---",
    ]
    return "\n".join(lines) + "\n"


def file_stem(post: PreparedPost) -> str:
    """``2024-03-01-the-title``: the date and the title's words, safe on every file system."""
    row = post.rendered.row
    words = re.sub(r"[^\w]+", "-", (row.title or "untitled").casefold()).strip("-_")[:60].rstrip("-_")
    date = (post_date(post.rendered) or "")[:10]
    return "-".join(part for part in (date, words or "post") if part)


class MarkdownWriter:
    """Writes Markdown; ``one_file`` puts every post in one file, else a folder gets a file per post."""

    remote_images = True  # Markdown refers to images by address; only a folder keeps the cached bytes

    def __init__(self, one_file: bool = False) -> None:
        self.folder = not one_file
        self._root: Path | None = None
        self._out: TextIOWrapper | None = None
        self._names: set[str] = set()
        self._images: dict[str, str] = {}

    def open(self, staging: Path, entries: Sequence[Entry]) -> None:
        """Start the folder or the file."""
        self._root = staging
        if not self.folder:
            self._out = staging.open("w", encoding="utf-8", newline="\n")

    def add_image(self, url: str, data: bytes, kind: ImageKind) -> str | None:
        """A folder stores the image in ``images/``; one file refers to its address."""
        if not self.folder or self._root is None:
            return url
        if url not in self._images:
            folder = self._root / "images"
            folder.mkdir(exist_ok=True)
            name = f"{len(self._images) + 1}.{kind}"
            (folder / name).write_bytes(data)
            self._images[url] = f"images/{name}"
        return self._images[url]

    def write(self, post: PreparedPost) -> None:
        """Add one post."""
        if self._out is not None:
            self._write_section(post)
            return
        assert self._root is not None
        stem = file_stem(post)
        name = f"{stem}.md" if f"{stem}.md" not in self._names else f"{stem}-{post.rendered.row.id}.md"
        self._names.add(name)
        text = front_matter(post) + "\n" + to_markdown(post.body)
        (self._root / name).write_text(text, encoding="utf-8", newline="\n")

    def _write_section(self, post: PreparedPost) -> None:
        assert self._out is not None
        row = post.rendered.row
        if post.number > 1:
            self._out.write("\n---\n\n")
        self._out.write(f"# {escape(row.title or '(untitled)')}\n\n")
        meta = [f"{label}: {escape(value)}" for label, value in byline_parts(post.rendered)]
        if row.link:
            meta.append(f"Link: <{row.link}>")
        self._out.write("  \n".join(meta) + "\n\n")
        self._out.write(to_markdown(post.body, label=f"{post.number}-"))

    def close(self) -> None:
        """Finish the file."""
        if self._out is not None:
            self._out.close()
            self._out = None

    def abort(self) -> None:
        """Close without finishing."""
        self.close()
