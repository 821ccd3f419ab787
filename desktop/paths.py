"""The one place that knows where Article Browser keeps its files."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import platformdirs

APP_NAME = "article-browser"
HOME_VARIABLE = "ARTICLE_BROWSER_HOME"


PathLike = str | os.PathLike[str] | None


def _chosen(override: PathLike, variable: str, default: Path) -> Path:
    """An explicit override, else the environment variable, else the platform's default."""
    chosen = override or os.environ.get(variable)
    return Path(chosen).expanduser() if chosen else default


def library_dir(override: PathLike = None) -> Path:
    """The folder holding the library: ``--library DIR``, else ``$ARTICLE_BROWSER_HOME``, else the user data dir."""
    return _chosen(override, HOME_VARIABLE, platformdirs.user_data_path(APP_NAME, appauthor=False))


def settings_file(override: PathLike = None) -> Path:
    """The window's settings (INI): ``$ARTICLE_BROWSER_CONFIG``, else the user config dir."""
    return _chosen(override, "ARTICLE_BROWSER_CONFIG",
                   platformdirs.user_config_path(APP_NAME, appauthor=False) / "settings.ini")


def cache_dir(override: PathLike = None) -> Path:
    """Downloaded images (things that can be fetched again): ``$ARTICLE_BROWSER_CACHE``, else the user cache dir."""
    return _chosen(override, "ARTICLE_BROWSER_CACHE", platformdirs.user_cache_path(APP_NAME, appauthor=False))


def log_dir(override: PathLike = None) -> Path:
    """Where the log is written: ``$ARTICLE_BROWSER_LOGS``, else the user log dir."""
    return _chosen(override, "ARTICLE_BROWSER_LOGS", platformdirs.user_log_path(APP_NAME, appauthor=False))


def runtime_dir(override: PathLike = None) -> Path:
    """Sockets and locks: ``$ARTICLE_BROWSER_RUNTIME``, else ``$XDG_RUNTIME_DIR``, else a per-user temp folder.

    The caller makes sure the folder is private (``single_instance.private_dir``): another local user must
    not be able to create it first.
    """
    chosen = override or os.environ.get("ARTICLE_BROWSER_RUNTIME")
    if chosen:
        return Path(chosen).expanduser()
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg and os.path.isabs(xdg) and os.path.isdir(xdg):
        return Path(xdg) / APP_NAME
    if sys.platform in ("win32", "darwin"):
        return platformdirs.user_runtime_path(APP_NAME, appauthor=False)
    return Path(tempfile.gettempdir()) / f"{APP_NAME}-{os.getuid()}"


def resource(relative: str) -> Path:
    """A file shipped in ``resources/``: inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent
    for base in (package / "resources", package.parent / "resources"):
        candidate = base / relative
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"resource {relative!r} is missing from the installation")
