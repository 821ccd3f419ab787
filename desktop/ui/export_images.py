"""Which images an export may include, from the reader's own image cache and the user's image settings.

The reader keeps downloaded images in a ``QNetworkDiskCache`` (Qt's format, so reading it needs QtNetwork) and
the sites the user allowed in the settings file (``images/sites``, ``images/everywhere``). An export reads
both and never touches the network. Build the policy on the thread that uses it: a ``QNetworkDiskCache`` is a
``QObject`` and belongs to its thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtNetwork import QNetworkDiskCache

from desktop.core.export import ImagePolicy

SITES_KEY = "images/sites"
EVERYWHERE_KEY = "images/everywhere"


def _string_list(value: Any) -> list[str]:
    """A list setting as QSettings hands it back (a single string for one item, None for none)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]


class CachedImages:
    """Reads images from the reader's disk cache folder; nothing is downloaded."""

    def __init__(self, folder: Path) -> None:
        self._cache = QNetworkDiskCache()
        self._cache.setCacheDirectory(str(folder))

    def __call__(self, url: str) -> bytes | None:
        """The cached bytes of ``url``, or None when the cache does not hold it."""
        device = self._cache.data(QUrl(url))
        if device is None:
            return None
        try:
            return bytes(device.readAll().data())
        finally:
            device.close()


def image_policy(settings_path: Path | None, cache_folder: Path | None) -> ImagePolicy:
    """The policy from the settings file (allowed sites) and the image cache folder (bytes to embed)."""
    sites: frozenset[str] = frozenset()
    everywhere = False
    if settings_path is not None and settings_path.exists():
        settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
        sites = frozenset(_string_list(settings.value(SITES_KEY, [])))
        everywhere = bool(settings.value(EVERYWHERE_KEY, False, type=bool))
    if cache_folder is None or not cache_folder.is_dir():
        return ImagePolicy(sites=sites, everywhere=everywhere)
    return ImagePolicy(cached=CachedImages(cache_folder), sites=sites, everywhere=everywhere)
