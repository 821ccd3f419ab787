"""The plain data a sync exchanges with its caller: its memory between runs, its options, its events.

The memory (``SyncState``) is saved by the caller as JSON.

Per REST collection (keyed by route, ``/wp/v2/posts``): the ids stored and the ``modified_gmt`` each had,
the pages of an unfinished first listing already stored, whether a full listing ever finished, and ids
that posts named but the sync has not fetched yet (terms, authors, featured images).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
from typing import Any

from desktop.core.formats.jsonstream import Item
from desktop.core.formats.site_http import ErrorKind, SiteInfo

STATE_VERSION = 1


@dataclass
class CollectionState:
    """The sync's memory of one collection."""

    known: dict[int, str] = field(default_factory=dict)  # id → modified_gmt as the site gave it ("" if none)
    pages_done: set[int] = field(default_factory=set)  # pages of an unfinished first listing
    complete: bool = False  # a full listing finished: later syncs ask only for changes
    wanted: set[int] = field(default_factory=set)  # named by a post, not fetched yet

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"known": {str(k): v for k, v in self.known.items()}, "pages_done": sorted(self.pages_done),
                "complete": self.complete, "wanted": sorted(self.wanted)}

    @classmethod
    def from_data(cls, data: Any) -> CollectionState:
        """The inverse of ``to_data``; ``ValueError`` for anything else."""
        if not isinstance(data, dict):
            raise ValueError("a collection's state is not an object")
        known = data.get("known", {})
        if not isinstance(known, dict):
            raise ValueError("known ids are not an object")
        return cls(known={int(k): str(v) for k, v in known.items()},
                   pages_done={int(n) for n in _list(data, "pages_done")},
                   complete=data.get("complete") is True,
                   wanted={int(n) for n in _list(data, "wanted")})


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{key} is not a list")
    return value


@dataclass
class SyncState:
    """Everything a sync needs to continue or update a site; ``to_json``/``from_json`` for the caller to keep."""

    address: str
    api_root: str = ""
    site: str = ""  # the host the site's records name
    collections: dict[str, CollectionState] = field(default_factory=dict)
    last_finished: str = ""  # UTC time the last complete sync ended, ISO 8601

    def collection(self, route: str) -> CollectionState:
        """The state of the collection at ``route``, created empty the first time."""
        return self.collections.setdefault(route, CollectionState())

    def ids(self, route: str = "/wp/v2/posts") -> set[int]:
        """The ids a collection is known to hold on the site."""
        own = self.collections.get(route)
        return set(own.known) if own else set()

    def to_json(self) -> str:
        """The state as compact JSON text."""
        return json.dumps({"version": STATE_VERSION, "address": self.address, "api_root": self.api_root,
                           "site": self.site, "last_finished": self.last_finished,
                           "collections": {k: v.to_data() for k, v in sorted(self.collections.items())}},
                          separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SyncState:
        """A state saved by ``to_json``; ``ValueError`` when the text is not one (start afresh then)."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
                raise ValueError("not a sync state of a known version")
            collections = data.get("collections", {})
            if not isinstance(collections, dict):
                raise ValueError("collections are not an object")
            return cls(address=str(data["address"]), api_root=str(data.get("api_root", "")),
                       site=str(data.get("site", "")), last_finished=str(data.get("last_finished", "")),
                       collections={str(k): CollectionState.from_data(v) for k, v in collections.items()})
        except (KeyError, TypeError, OverflowError, RecursionError) as error:
            raise ValueError(f"not a sync state: {error}") from None


@dataclass(frozen=True)
class Collection:
    """One REST collection: ``posts`` at ``/wp/v2/posts`` holding post type ``post``; names have no type."""

    name: str
    route: str
    post_type: str | None = None


CATEGORIES = Collection("categories", "/wp/v2/categories")
TAGS = Collection("tags", "/wp/v2/tags")
USERS = Collection("users", "/wp/v2/users")
MEDIA = Collection("media", "/wp/v2/media")
NAMES = (CATEGORIES, TAGS, USERS)


@dataclass(frozen=True)
class SyncOptions:
    """How a sync behaves; the defaults suit real sites."""

    lookback: timedelta = timedelta(days=1)  # how far before the last change seen ``modified_after`` reaches
    check_removed: bool = True  # list ids to notice new and deleted posts (one light request per 100 posts)
    concurrency: int = 3  # requests in flight at most
    per_page: int = 100


class Phase(Enum):
    """What a sync is doing."""

    CONNECTING = "connecting"
    NAMES = "names"  # categories, tags, users, featured media
    POSTS = "posts"  # posts, pages and other post types
    CHANGES = "changes"  # asking what changed since the last sync
    REMOVALS = "removals"  # listing ids to find posts deleted from the site


@dataclass(frozen=True)
class SyncProgress:
    """How far a sync has got: the collection at work, its pages done and known, items and requests so far."""

    phase: Phase
    collection: str
    page: int
    pages: int | None
    items: int
    requests: int


@dataclass(frozen=True)
class SiteFound:
    """The site answered: what it is and which collections will be synced."""

    info: SiteInfo
    collections: tuple[Collection, ...]


@dataclass(frozen=True)
class SyncPage:
    """One page of items. Store them, with ``state.to_json()``, in one transaction before asking for more.

    ``page`` is the page number in a full listing, or None for items fetched by id. If storing fails, stop
    the sync and do not save the state: it already counts these items as stored.
    """

    collection: Collection
    page: int | None
    items: list[Item]
    state: SyncState


@dataclass(frozen=True)
class Failure:
    """A page or request that failed, and why."""

    collection: str
    url: str
    reason: str
    kind: ErrorKind
    status: int | None = None
    code: str | None = None  # the WordPress error code, when the answer was one


@dataclass(frozen=True)
class SyncSummary:
    """The end of a sync. ``removed`` maps a post type to the ids no longer on the site."""

    info: SiteInfo
    fetched: dict[str, int]
    removed: dict[str, tuple[int, ...]]
    failures: tuple[Failure, ...]
    notes: tuple[str, ...]
    requests: int
    bytes_fetched: int
    seconds: float
    cancelled: bool
    stopped: Failure | None  # the failure that ended the sync early (site unreachable, request limit…)
    state: SyncState

    @property
    def ok(self) -> bool:
        """Nothing failed and the sync ran to the end."""
        return not self.failures and self.stopped is None and not self.cancelled


SyncEvent = SyncProgress | SiteFound | SyncPage | SyncSummary
