"""Which images an export may include, from the reader's own image cache and the user's image settings.

The reader keeps downloaded images in a ``QNetworkDiskCache`` (Qt's format, so reading it needs QtNetwork) and
the sites the user allowed in the settings file (``images/sites``, ``images/everywhere``). An export reads
both and never touches the network. Build the policy on the thread that uses it: a ``QNetworkDiskCache`` is a
``QObject`` and belongs to its thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtNetwork import QNetworkDiskCache

from desktop.core.export import ImagePolicy
from desktop.ui.settings import Settings


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
        settings = Settings(QSettings(str(settings_path), QSettings.Format.IniFormat))
        sites = frozenset(settings.image_sites)
        everywhere = settings.images_everywhere
    if cache_folder is None or not cache_folder.is_dir():
        return ImagePolicy(sites=sites, everywhere=everywhere)
    return ImagePolicy(cached=CachedImages(cache_folder), sites=sites, everywhere=everywhere)
