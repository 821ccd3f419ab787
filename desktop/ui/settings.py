"""The window's settings, typed: every QSettings key and its default in one place.

Widgets never call ``QSettings.value`` themselves; they read and write the properties here, so a key's name,
type and default are declared once and a test can hand in a settings file of its own.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QByteArray, QSettings


class Layout(Enum):
    """Where the reader sits: under the list (two rows) or beside it (three columns)."""

    BELOW = "below"
    BESIDE = "beside"


class Settings:
    """Typed access to one ``QSettings`` store."""

    # keys
    GEOMETRY = "window/geometry"
    SIDEBAR_SPLIT = "window/split"
    LIST_SPLIT = "window/right"  # + "/beside" for the three-column layout
    COLUMNS = "window/columns"
    COLUMNS_CHOSEN = "list/columns_chosen"  # columns the user showed or hid by hand, as "column:0|1"
    LAYOUT = "window/layout"
    NODE = "selection/node"
    POST = "selection/post"
    ZOOM = "reader/zoom"
    IMAGES_EVERYWHERE = "images/everywhere"
    IMAGE_SITES = "images/sites"
    IMPORT_FOLDER = "import/folder"

    def __init__(self, store: QSettings) -> None:
        self.store = store

    # -- window --------------------------------------------------------------------------------------------
    def state(self, key: str) -> QByteArray | None:
        """A saved geometry or splitter/header state, or None."""
        value = self.store.value(key)
        return value if isinstance(value, QByteArray) else None

    def set_state(self, key: str, value: QByteArray) -> None:
        """Remember a geometry or splitter/header state."""
        self.store.setValue(key, value)

    @property
    def layout(self) -> Layout:
        """The reader's place; below the list unless chosen otherwise."""
        try:
            return Layout(str(self.store.value(self.LAYOUT, Layout.BELOW.value)))
        except ValueError:
            return Layout.BELOW

    @layout.setter
    def layout(self, value: Layout) -> None:
        self.store.setValue(self.LAYOUT, value.value)

    @property
    def chosen_columns(self) -> dict[int, bool]:
        """Columns the user showed (True) or hid (False) by hand; the rest follow their content."""
        chosen: dict[int, bool] = {}
        for item in _string_list(self.store.value(self.COLUMNS_CHOSEN, [])):
            column, _, shown = item.partition(":")
            if column.isdecimal() and shown in ("0", "1"):
                chosen[int(column)] = shown == "1"
        return chosen

    @chosen_columns.setter
    def chosen_columns(self, value: dict[int, bool]) -> None:
        self.store.setValue(self.COLUMNS_CHOSEN, [f"{c}:{int(s)}" for c, s in sorted(value.items())])

    # -- selection -----------------------------------------------------------------------------------------
    @property
    def node(self) -> str:
        """The key of the sidebar entry selected last."""
        return str(self.store.value(self.NODE, "all"))

    @node.setter
    def node(self, key: str) -> None:
        self.store.setValue(self.NODE, key)

    @property
    def post(self) -> int | None:
        """The id of the post selected last."""
        return _int(self.store.value(self.POST))

    @post.setter
    def post(self, post_id: int | None) -> None:
        self.store.setValue(self.POST, post_id if post_id is not None else "")

    # -- reader --------------------------------------------------------------------------------------------
    @property
    def zoom(self) -> int:
        """Reader zoom in points above (or below) the application font."""
        return _int(self.store.value(self.ZOOM, 0)) or 0

    @zoom.setter
    def zoom(self, value: int) -> None:
        self.store.setValue(self.ZOOM, value)

    @property
    def images_everywhere(self) -> bool:
        """Load images in every post without asking."""
        return _bool(self.store.value(self.IMAGES_EVERYWHERE, False))

    @images_everywhere.setter
    def images_everywhere(self, value: bool) -> None:
        self.store.setValue(self.IMAGES_EVERYWHERE, value)

    @property
    def image_sites(self) -> list[str]:
        """Sites whose images always load."""
        return _string_list(self.store.value(self.IMAGE_SITES, []))

    @image_sites.setter
    def image_sites(self, sites: list[str]) -> None:
        self.store.setValue(self.IMAGE_SITES, sites)

    # -- importing -----------------------------------------------------------------------------------------
    @property
    def import_folder(self) -> str:
        """Where the import dialogs open."""
        return str(self.store.value(self.IMPORT_FOLDER, ""))

    @import_folder.setter
    def import_folder(self, folder: str) -> None:
        self.store.setValue(self.IMPORT_FOLDER, folder)

    def sync(self) -> None:
        """Write to disk now."""
        self.store.sync()


def _string_list(value: object) -> list[str]:
    """A list setting as QSettings hands it back (a single string for one item, None for none)."""
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def _bool(value: object) -> bool:
    """An ini file gives back ``"true"``/``"false"`` strings; other backends give bools."""
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)
