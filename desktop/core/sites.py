"""Sites added by address: where each was synced from, how far the last sync got, what left the site."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class AddedSite:
    """A site the user added by its address, and the sync state its last sync left (JSON, or "")."""

    host: str
    address: str
    name: str | None
    sync_state: str


class Sites:
    """The part of ``Library`` that remembers live sites; writes run inside ``transaction()``."""

    _conn: sqlite3.Connection

    def added_sites(self) -> list[AddedSite]:
        """Every site added by address, by host."""
        rows = self._conn.execute(
            "SELECT host, address, name, coalesce(sync_state, '') FROM sites WHERE address IS NOT NULL "
            "ORDER BY host").fetchall()
        return [AddedSite(*row) for row in rows]

    def site_names(self) -> dict[str, str]:
        """The name each site gave itself (filled by sync), by host; sites that never said are left out."""
        return dict(self._conn.execute(
            "SELECT host, name FROM sites WHERE name IS NOT NULL AND trim(name) != ''").fetchall())

    def added_site(self, address: str) -> AddedSite | None:
        """The site added as ``address`` (or whose host it names), if any."""
        wanted = _key(address)
        for site in self.added_sites():
            if wanted in (_key(site.address), site.host.lower()):
                return site
        return None

    def save_sync_state(self, host: str, address: str, name: str | None, state: str) -> None:
        """Remember where ``host`` is synced from and how far its sync got (inside a transaction)."""
        self._conn.execute("INSERT OR IGNORE INTO sites (host) VALUES (?)", (host,))
        self._conn.execute("UPDATE sites SET address = ?, name = coalesce(?, name), sync_state = ? WHERE host = ?",
                           (address, name or None, state, host))

    def mark_removed(self, host: str, post_type: str, wp_ids: Sequence[int]) -> int:
        """Mark posts gone from their site (they stay in the library); returns how many were newly marked."""
        row = self._conn.execute("SELECT id FROM sites WHERE host = ?", (host,)).fetchone()
        if row is None:
            return 0
        site_id = row[0]
        now = int(time.time())
        marked = 0
        for start in range(0, len(wp_ids), 500):
            chunk = list(wp_ids[start:start + 500])
            marks = ",".join("?" * len(chunk))
            marked += self._conn.execute(
                f"UPDATE posts SET removed_at = ? WHERE site_id = ? AND type = ? AND wp_id IN ({marks}) "
                "AND removed_at IS NULL", (now, site_id, post_type, *chunk)).rowcount
        return marked


def _key(address: str) -> str:
    """An address as it identifies a site: ``HTTPS://Example.com/blog/`` and ``https://example.com/blog`` match."""
    text = address.strip()
    parts = urlsplit(text if "//" in text else f"https://{text}")
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}"
