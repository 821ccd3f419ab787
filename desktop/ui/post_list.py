"""The post list: a table model that fetches pages of rows from the library worker as the view scrolls.

Sorted by date, the posts fall into groups (Today, Yesterday, This Week, then months). A group's label is not a
row of its own: the first post of each group carries it under ``GROUP_ROLE`` and the view draws it above that
post. So every row is a post, the keyboard never lands on a header, and rows stay known by post id. Labels are
made as pages arrive, so the list stays lazy however many posts match.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from desktop.core.library import PostFilter, PostRow
from desktop.core.navigation import MONTHS
from desktop.core.render import status_label
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.text import tooltip

COL_DATE, COL_TITLE, COL_CATEGORIES, COL_AUTHOR = range(4)
HEADERS = ("Date", "Title", "Categories", "Author")
POST_ID_ROLE = Qt.ItemDataRole.UserRole + 1
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2  # the date group a row begins, or None
PAGE_SIZE = 200
GROUPED_ORDERS = ("newest", "oldest")
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
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"  # strftime drops the zeros of year 1


def local_day(row: PostRow) -> date | None:
    """The calendar day of a post here (or on the site, when only its wall-clock time is known)."""
    if row.date_is_local and row.date_local:
        try:
            return date.fromisoformat(row.date_local[:10])
        except ValueError:
            return None
    if row.date_utc is None:
        return None
    try:
        return datetime.fromtimestamp(row.date_utc, UTC).astimezone().date()
    except (OverflowError, OSError, ValueError):
        return None


def group_label(row: PostRow, today: date) -> str:
    """The date group a post falls in: Upcoming, Today, Yesterday, This Week, or its month ("March 2024")."""
    day = local_day(row)
    if day is None:
        return "No Date"
    if day > today:
        return "Upcoming"  # scheduled posts, and dates from the future
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    if day >= today - timedelta(days=today.weekday()):
        return "This Week"
    return f"{MONTHS[day.month - 1]} {day.year}"


def _tooltip(row: PostRow, column: int) -> str | None:
    """The full text of a cell that may be cut short (made plain by the caller)."""
    if column == COL_DATE and row.date_utc is not None:
        moment = datetime.fromtimestamp(row.date_utc, UTC).astimezone()
        return moment.strftime("%A %d %B %Y, %H:%M") + (f" (site time {row.date_local})" if row.date_local else "")
    if column == COL_TITLE:
        notes = [note for note in (_status(row), "Sticky (pinned on the site's front page)" if row.sticky else None)
                 if note]
        return "\n".join([row.title, *notes]) if notes else row.title
    if column == COL_CATEGORIES:
        return ", ".join(row.categories)
    return row.author if column == COL_AUTHOR else None


def _status(row: PostRow) -> str | None:
    return status_label(row.status, row.removed)


def title_text(row: PostRow) -> str:
    """The title column: a star when starred, the status when not published ("[Draft] "), a flag when sticky.

    The flag (U+2691) is in the common system fonts; a pin would need an emoji font.
    """
    label = _status(row)
    return (("★ " if row.starred else "") + (f"[{label}] " if label else "") + ("⚑ " if row.sticky else "")
            + (row.title or "(untitled)"))


class PostListModel(QAbstractTableModel):
    """Rows of the current filter, loaded a page at a time; never all posts in memory."""

    loaded = Signal(int)  # posts now loaded, after each page

    def __init__(self, worker: LibraryWorker, parent: Any = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._items: list[PostRow] = []
        self._groups: dict[int, str] = {}  # row → label of the date group it begins
        self._filled = {COL_CATEGORIES: 0, COL_AUTHOR: 0}  # loaded posts with something in the column
        self._total = 0
        self._serial = 0
        self._pending = False
        self._filter = PostFilter()
        self._order: str | None = None
        self._listed = "newest"  # the order the library answered in
        self._today = date.today()
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
    def listed_order(self) -> str:
        """The order the rows are in, as the library answered: "relevance", "newest", "oldest" or a title order.

        A search asked for by relevance (order None) is listed "newest" when it matches too many posts to rank.
        """
        return self._listed

    @property
    def grouped(self) -> bool:
        """Whether the rows are grouped by date (listed by date)."""
        return self._listed in GROUPED_ORDERS

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
        self._worker.fetch_page(self._serial, self._filter, self._order, 0, max(PAGE_SIZE, len(self._items)))

    def on_page_ready(self, serial: int, offset: int, rows: list[PostRow], total: int, listed: str) -> None:
        """A page arrived from the worker (the first one says in which order the rows are listed)."""
        if serial != self._serial:
            return  # the answer to a question no longer asked
        self._pending = False
        if offset == 0:
            self.beginResetModel()
            self._today = date.today()
            self._items, self._groups, self._total, self._listed = [], {}, total, listed
            self._filled = dict.fromkeys(self._filled, 0)
            self._append(rows)
            self.endResetModel()
        elif offset == len(self._items) and rows:
            start = len(self._items)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._append(rows)
            self.endInsertRows()
        self.loaded.emit(len(self._items))

    def _append(self, rows: list[PostRow]) -> None:
        """Add a page: note where each date group begins and what the rows fill."""
        last = group_label(self._items[-1], self._today) if self._items and self.grouped else None
        for row in rows:
            if self.grouped:
                label = group_label(row, self._today)
                if label != last:
                    self._groups[len(self._items)] = label
                    last = label
            self._items.append(row)
            self._filled[COL_CATEGORIES] += bool(row.categories)
            self._filled[COL_AUTHOR] += bool(row.author)

    def on_state_changed(self, post_ids: list[int], what: str, value: bool) -> None:
        """Read or starred state changed: update those rows in place."""
        wanted = set(post_ids)
        for number, row in enumerate(self._items):
            if row.id in wanted:
                self._items[number] = (dataclasses.replace(row, read=value) if what == "read"
                                       else dataclasses.replace(row, starred=value))
                self.dataChanged.emit(self.index(number, 0), self.index(number, len(HEADERS) - 1))

    # -- the model -----------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's names
        """Rows loaded so far."""
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Date, title, categories, author."""
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: _Index) -> bool:  # noqa: N802
        """More rows match than are loaded, and no page is on its way."""
        return not parent.isValid() and not self._pending and len(self._items) < self._total

    def fetchMore(self, parent: _Index) -> None:  # noqa: N802
        """Ask the worker for the next page."""
        if self.canFetchMore(parent):
            self._pending = True
            self._worker.fetch_page(self._serial, self._filter, self._order, len(self._items), PAGE_SIZE)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        """Column titles; a click on Date sorts newest first (on other columns, A to Z)."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.InitialSortOrderRole:
            return Qt.SortOrder.DescendingOrder if section == COL_DATE else Qt.SortOrder.AscendingOrder
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What each column shows; unread rows are bold; POST_ID_ROLE gives the post's id."""
        if not index.isValid() or index.row() >= len(self._items):
            return None
        row = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_DATE:
                return compact_date(row)
            if column == COL_TITLE:
                return title_text(row)
            if column == COL_CATEGORIES:
                return ", ".join(row.categories)
            return row.author or ""
        if role == Qt.ItemDataRole.FontRole and (not row.read or (column == COL_TITLE and _status(row))):
            font = QFont()
            font.setBold(not row.read)
            font.setItalic(column == COL_TITLE and _status(row) is not None)  # not what the site's readers saw
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(_tooltip(row, column))
        if role == POST_ID_ROLE:
            return row.id
        if role == GROUP_ROLE:
            return self._groups.get(index.row())
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by date or title; other columns keep the current order."""
        ascending = order == Qt.SortOrder.AscendingOrder
        if column == COL_DATE:
            self.set_query(self._filter, "oldest" if ascending else "newest")
        elif column == COL_TITLE:
            self.set_query(self._filter, "title" if ascending else "title_desc")

    # -- by key --------------------------------------------------------------------------------------------
    def row_for(self, post_id: int) -> int | None:
        """The row showing ``post_id``, if it is loaded."""
        for number, row in enumerate(self._items):
            if row.id == post_id:
                return number
        return None

    def post(self, number: int) -> PostRow | None:
        """The post shown in row ``number``."""
        return self._items[number] if 0 <= number < len(self._items) else None

    def group_rows(self, first: int = 0, last: int | None = None) -> list[int]:
        """The rows between ``first`` and ``last`` (inclusive) that begin a date group."""
        end = len(self._items) - 1 if last is None else last
        return sorted(n for n in self._groups if first <= n <= end)

    def next_post(self, number: int, step: int, unread: bool = False) -> int | None:
        """The nearest row after (step 1) or before (step -1) row ``number``; optionally of an unread post."""
        number += step
        while 0 <= number < len(self._items):
            if not (unread and self._items[number].read):
                return number
            number += step
        return None

    def column_empty(self, column: int) -> bool:
        """Whether every loaded post has nothing in ``column`` (only Categories and Author can be empty)."""
        return column in self._filled and bool(self._items) and not self._filled[column]

