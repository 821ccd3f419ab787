"""The one place that knows where Article Browser keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "article-browser"
HOME_VARIABLE = "ARTICLE_BROWSER_HOME"


def library_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the library: ``--library DIR``, else ``$ARTICLE_BROWSER_HOME``, else the user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(HOME_VARIABLE)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def settings_file(override: str | os.PathLike[str] | None = None) -> Path:
    """The window's settings (INI): ``$ARTICLE_BROWSER_CONFIG``, else the user config dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("ARTICLE_BROWSER_CONFIG")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "settings.ini"


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Downloaded images and other things that can be fetched again.

    ``$ARTICLE_BROWSER_CACHE``, else the user cache dir.
    """
    if override:
        return Path(override).expanduser()
    env = os.environ.get("ARTICLE_BROWSER_CACHE")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def log_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where the log is written: ``$ARTICLE_BROWSER_LOGS``, else the user log dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("ARTICLE_BROWSER_LOGS")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def resource(relative: str) -> Path:
    """A file shipped in ``resources/``: inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent
    for base in (package / "resources", package.parent / "resources"):
        candidate = base / relative
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"resource {relative!r} is missing from the installation")
