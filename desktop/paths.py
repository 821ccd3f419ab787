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
