"""The post list: a table model that fetches pages of rows from the library worker as the view scrolls."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from desktop.core.library import PostFilter, PostRow
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.text import tooltip

COL_DATE, COL_TITLE, COL_CATEGORIES, COL_AUTHOR = range(4)
HEADERS = ("Date", "Title", "Categories", "Author")
POST_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE_SIZE = 200
_Index = QModelIndex | QPersistentModelIndex


def compact_date(row: PostRow, now: datetime | None = None) -> str:
    """The date as a mail client shows it: the time today, the day and month this year, else the date."""
    if row.date_utc is None:
        return ""
    if row.date_is_local and row.date_local:
        return row.date_local[:10]
    moment = datetime.fromtimestamp(row.date_utc, UTC).astimezone()
    now = now or datetime.now().astimezone()
    if moment.date() == now.date():
        return moment.strftime("%H:%M")
    if moment.year == now.year:
        return moment.strftime("%d %b")
    return moment.strftime("%Y-%m-%d")


def _tooltip(row: PostRow, column: int) -> str | None:
    """The full text of a cell that may be cut short (tooltips are made plain by the caller)."""
    if column == COL_DATE and row.date_utc is not None:
        moment = datetime.fromtimestamp(row.date_utc, UTC).astimezone()
        return moment.strftime("%A %d %B %Y, %H:%M") + (f" (site time {row.date_local})" if row.date_local else "")
    if column == COL_TITLE:
        return row.title
    if column == COL_CATEGORIES:
        return ", ".join(row.categories)
    return row.author if column == COL_AUTHOR else None


class PostListModel(QAbstractTableModel):
    """Rows of the current filter, loaded a page at a time; never all posts in memory."""

    loaded = Signal(int)  # rows now loaded, after each page

    def __init__(self, worker: LibraryWorker, parent: Any = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._rows: list[PostRow] = []
        self._total = 0
        self._serial = 0
        self._pending = False
        self._filter = PostFilter()
        self._order: str | None = None
        worker.page_ready.connect(self.on_page_ready)
        worker.state_changed.connect(self.on_state_changed)

    # -- queries -------------------------------------------------------------------------------------------
    @property
    def filter(self) -> PostFilter:
        """The filter the rows match."""
        return self._filter

    @property
    def order(self) -> str | None:
        """The order chosen by sorting a column; None for the default (newest first, or best match)."""
        return self._order

    @property
    def loading(self) -> bool:
        """Whether a page has been asked for and has not arrived yet."""
        return self._pending

    @property
    def total(self) -> int:
        """How many posts match, loaded or not."""
        return self._total

    def set_query(self, flt: PostFilter, order: str | None = None) -> None:
        """Show the posts matching ``flt``; ``order`` None means newest first (best match when searching)."""
        self._filter = flt
        self._order = order
        self.reload()

    def reload(self) -> None:
        """Ask again, for example after an import; the rows are replaced when the answer arrives."""
        self._serial += 1
        self._pending = True
        self._worker.fetch_page(self._serial, self._filter, self._order, 0, max(PAGE_SIZE, len(self._rows)))

    def on_page_ready(self, serial: int, offset: int, rows: list[PostRow], total: int) -> None:
        """A page arrived from the worker."""
        if serial != self._serial:
            return  # the answer to a question no longer asked
        self._pending = False
        if offset == 0:
            self.beginResetModel()
            self._rows = list(rows)
            self._total = total
            self.endResetModel()
        elif offset == len(self._rows) and rows:
            self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.loaded.emit(len(self._rows))

    def on_state_changed(self, post_ids: list[int], what: str, value: bool) -> None:
        """Read or starred state changed: update those rows in place."""
        wanted = set(post_ids)
        for number, row in enumerate(self._rows):
            if row.id in wanted:
                self._rows[number] = (dataclasses.replace(row, read=value) if what == "read"
                                      else dataclasses.replace(row, starred=value))
                self.dataChanged.emit(self.index(number, 0), self.index(number, len(HEADERS) - 1))

    # -- the model -----------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's names
        """Rows loaded so far."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Date, title, categories, author."""
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: _Index) -> bool:  # noqa: N802
        """More rows match than are loaded, and no page is on its way."""
        return not parent.isValid() and not self._pending and len(self._rows) < self._total

    def fetchMore(self, parent: _Index) -> None:  # noqa: N802
        """Ask the worker for the next page."""
        if self.canFetchMore(parent):
            self._pending = True
            self._worker.fetch_page(self._serial, self._filter, self._order, len(self._rows), PAGE_SIZE)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What each column shows; unread rows are bold; POST_ID_ROLE gives the post's id."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_DATE:
                return compact_date(row)
            if column == COL_TITLE:
                return ("★ " if row.starred else "") + (row.title or "(untitled)")
            if column == COL_CATEGORIES:
                return ", ".join(row.categories)
            return row.author or ""
        if role == Qt.ItemDataRole.FontRole and not row.read:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(_tooltip(row, column))
        if role == POST_ID_ROLE:
            return row.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by date or title; other columns keep the current order."""
        ascending = order == Qt.SortOrder.AscendingOrder
        if column == COL_DATE:
            self.set_query(self._filter, "oldest" if ascending else "newest")
        elif column == COL_TITLE:
            self.set_query(self._filter, "title" if ascending else "title_desc")

    def row_for(self, post_id: int) -> int | None:
        """The row showing ``post_id``, if it is loaded."""
        for number, row in enumerate(self._rows):
            if row.id == post_id:
                return number
        return None

    def post(self, number: int) -> PostRow | None:
        """The post shown in row ``number``."""
        return self._rows[number] if 0 <= number < len(self._rows) else None
