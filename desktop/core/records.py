"""The records every input format produces and the library stores: plain dataclasses that belong to no format.

REST JSON files, WordPress exports (WXR) and live sites each turn their input into these. ``Post.content`` is
HTML as the site would serve it (for WXR, after paragraphs and shortcodes are rendered), so reading, ``show``
and export never look at the original again; ``Post.raw`` keeps the original text exactly, in ``raw_format``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RawFormat = Literal["json", "wxr"]


@dataclass(frozen=True)
class TermRef:
    """What a source says about one term: any of id, slug and name, and how far the name can be trusted."""

    taxonomy: str
    wp_id: int | None
    slug: str | None
    name: str | None
    quality: int
    parent: int | None = None


@dataclass(frozen=True)
class Author:
    """A user who writes posts, from a user list or embedded in a post."""

    site: str
    wp_id: int
    name: str
    slug: str | None
    link: str | None
    quality: int
    raw: str | None = None


@dataclass(frozen=True)
class Media:
    """A media item (attachment): where its file is and what describes it."""

    site: str
    wp_id: int
    url: str | None
    alt: str
    caption: str
    mime: str | None
    width: int | None
    height: int | None
    raw: str | None = None


@dataclass(frozen=True)
class ListedTerm:
    """A term from a term list or a single term response."""

    site: str
    term: TermRef
    raw: str


@dataclass(frozen=True)
class Post:
    """A post, page or custom post type, as the library stores it."""

    site: str
    type: str
    wp_id: int
    title: str
    date_utc: int | None  # seconds since the epoch
    date_local: str | None  # the site's own wall-clock time, as WordPress wrote it
    date_is_local: bool  # date_utc is the local time taken as UTC: the site's offset was unknown
    utc_offset: int | None  # seconds east of UTC, when date and date_gmt were both present
    modified: str | None
    slug: str | None
    status: str | None
    link: str | None
    author_id: int | None
    excerpt: str
    content_text: str  # the words of the content as the search index takes them (``fts_text.for_index``)
    protected: bool
    featured_media: int | None
    richness: int  # how complete the object is; a richer copy of the same version replaces a poorer one
    terms: tuple[TermRef, ...]
    authors: tuple[Author, ...]
    media: tuple[Media, ...]
    raw: str
    content: str = ""  # the content's HTML as the site serves it: what reading, show and export start from
    raw_format: RawFormat = "json"  # what ``raw`` is: a JSON object, or a WXR <item> element
    sticky: bool = False
    comment_count: int | None = None


@dataclass(frozen=True)
class Skip:
    """A JSON value that is not imported, and why: ``Skip("a comment", "comments")``.

    ``plural`` names several such values; None where the reason is particular to one value.
    """

    reason: str
    plural: str | None = None


Record = Post | ListedTerm | Author | Media | Skip
