"""The post list's view: the table, its header, date-group rows, the empty-list message, moving by keys."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QFont, QPainter, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop.ui.post_list import COL_AUTHOR, COL_CATEGORIES, COL_DATE, COL_TITLE, GROUP_ROLE, HEADERS, PostListModel
from desktop.ui.settings import Settings
from desktop.ui.text import plain_label

HIDEABLE = (COL_DATE, COL_CATEGORIES, COL_AUTHOR)  # the title always shows
# Columns beside the title: as wide as their contents, from a floor to a share of the list's width (the title
# takes the rest, so a narrow list, as with the reader beside it, squeezes them before the title).
FITTED = {COL_DATE: (60, 0.3), COL_CATEGORIES: (60, 0.2), COL_AUTHOR: (60, 0.16)}
AUTO_HIDDEN = (COL_CATEGORIES, COL_AUTHOR)  # hidden while empty for the whole list, unless chosen


class PostListView(QTableView):
    """Rows of posts; selection by whole rows; date-group labels drawn above the rows that begin a group."""

    def __init__(self, model: PostListModel, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.posts = model
        self._settings = settings
        self.setHorizontalHeader(PostListHeader(self))
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicator(COL_DATE, Qt.SortOrder.DescendingOrder)
        self.verticalHeader().hide()
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setAccessibleName("Posts")
        header = self.horizontalHeader()
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(COL_DATE, 96)
        header.resizeSection(COL_CATEGORIES, 160)
        header.resizeSection(COL_AUTHOR, 130)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.on_header_menu)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self._delegate = GroupDelegate(self)
        self._roomy: set[int] = set()  # rows given room for a group's label
        self.setItemDelegate(self._delegate)
        self.message = plain_label("", self.viewport())
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: gray; padding: 24px;")
        self.message.hide()
        model.modelReset.connect(self.on_model_reset)
        model.rowsInserted.connect(self.on_rows_inserted)
        model.loaded.connect(self.on_loaded)

    # -- date groups and columns ---------------------------------------------------------------------------
    def on_model_reset(self) -> None:
        """Make room above each row that begins a date group, for its label.

        Only there: rows of the list before, grouped differently or not at all, keep no room of theirs.
        """
        header = self.verticalHeader()
        for row in self._roomy:
            if row < header.count():
                header.resizeSection(row, header.defaultSectionSize())
        self._roomy = set()
        self._make_room(self.posts.group_rows())

    def on_rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        """A page was appended: room for its groups' labels."""
        self._make_room(self.posts.group_rows(first, last))

    def _make_room(self, rows: list[int]) -> None:
        header = self.verticalHeader()
        for row in rows:
            header.resizeSection(row, header.defaultSectionSize() + self._delegate.band_height())
        self._roomy.update(rows)

    def first_visible_column(self) -> int:
        """The leftmost column shown (where a group's label starts)."""
        header = self.horizontalHeader()
        shown = [c for c in range(len(HEADERS)) if not self.isColumnHidden(c)]
        return min(shown, key=header.visualIndex) if shown else COL_TITLE

    def on_loaded(self, _posts: int) -> None:
        """Columns empty for the whole list take no space, unless the user chose to show them."""
        if not self.posts.total:
            return
        chosen = self._settings.chosen_columns
        for column in AUTO_HIDDEN:
            hide = self.posts.column_empty(column)
            if column not in chosen and hide != self.isColumnHidden(column):  # a change relays out the table
                self.setColumnHidden(column, hide)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Size the columns beside the title to their contents within limits; the title stretches over the rest."""
        header = self.horizontalHeader()
        width = self.viewport().width()
        for column, (floor, share) in FITTED.items():
            if self.isColumnHidden(column):
                continue
            contents = max(self.sizeHintForColumn(column), header.sectionSizeHint(column))
            fitted = max(floor, min(contents, int(width * share)))
            if header.sectionSize(column) != fitted:
                header.resizeSection(column, fitted)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """A wider or narrower list (a window resized, the reader moved beside it): the title keeps the room."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_columns()

    def apply_chosen_columns(self) -> None:
        """Show or hide the columns the user chose by hand."""
        for column, shown in self._settings.chosen_columns.items():
            if column in HIDEABLE:
                self.setColumnHidden(column, not shown)

    def on_header_menu(self, pos: QPoint) -> None:
        """The header's context menu: a check box per column."""
        menu = QMenu(self)
        for action in self.column_actions():
            menu.addAction(action)
        menu.exec(self.horizontalHeader().mapToGlobal(pos))

    def column_actions(self) -> list[QAction]:
        """Checkable actions that show or hide the hideable columns."""
        actions = []
        for column in HIDEABLE:
            action = QAction(HEADERS[column], self)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(column))
            action.toggled.connect(lambda shown, c=column: self.choose_column(c, shown))
            actions.append(action)
        return actions

    def choose_column(self, column: int, shown: bool) -> None:
        """Show or hide a column by the user's choice, remembered across runs."""
        chosen = self._settings.chosen_columns
        chosen[column] = shown
        self._settings.chosen_columns = chosen
        self.setColumnHidden(column, not shown)
        self.fit_columns()

    # -- messages ------------------------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """Say why the list is empty, over the list."""
        self.message.setText(text)
        self.message.resize(self.viewport().size())
        self.message.show()

    def hide_message(self) -> None:
        """The list has rows again."""
        self.message.hide()

    # -- moving --------------------------------------------------------------------------------------------
    def select_row(self, number: int) -> None:
        """Select row ``number`` alone and scroll to it."""
        self.selectRow(number)
        self.scrollTo(self.posts.index(number, COL_TITLE))

    def step(self, step: int, unread: bool = False) -> bool:
        """Select the next (1) or previous (-1) post (the next unread one when ``unread``), across groups.

        Returns False when no loaded post qualifies; the caller may wait for the next page.
        """
        current = self.currentIndex().row() if self.selectionModel().selectedRows() else -1
        number = self.posts.next_post(current, step, unread)
        if number is None:
            if step > 0 and self.posts.canFetchMore(QModelIndex()):
                self.posts.fetchMore(QModelIndex())
            return False
        self.select_row(number)
        return True


class PostListHeader(QHeaderView):
    """The column titles, with a sort arrow that points the way the list runs: ▼ newest first (descending), ▲ A to Z.

    Qt draws Descending as an up arrow (``SortUp``); readers of mail and file lists expect the opposite.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)

    def initStyleOptionForIndex(self, option: QStyleOptionHeader, logical_index: int) -> None:  # noqa: N802 - Qt's
        """Qt's option for the section, with the sort arrow turned to match the order."""
        super().initStyleOptionForIndex(option, logical_index)
        flipped = {QStyleOptionHeader.SortIndicator.SortUp: QStyleOptionHeader.SortIndicator.SortDown,
                   QStyleOptionHeader.SortIndicator.SortDown: QStyleOptionHeader.SortIndicator.SortUp}
        option.sortIndicator = flipped.get(option.sortIndicator, option.sortIndicator)


class GroupDelegate(QStyledItemDelegate):
    """Draws a date group's label in a band above the first post of the group; the post below it as usual.

    The band looks like a header of the list, not part of the post: the window's colour between two rules,
    never the selection's or the alternating rows' colour (the view fills the whole row with those first).
    """

    def __init__(self, view: PostListView) -> None:
        super().__init__(view)
        self._view = view

    def band_height(self) -> int:
        """Height of the band that carries a group's label."""
        return self._view.fontMetrics().height() + 10

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """The cell (below the label band when the row begins a group), then the band over the row's fill."""
        label = index.data(GROUP_ROLE)
        if not label:
            super().paint(painter, option, index)
            return
        rect = QRect(option.rect)
        band = QRect(rect.left(), rect.top(), rect.width(), self.band_height())
        cell = QStyleOptionViewItem(option)
        cell.rect = rect.adjusted(0, band.height(), 0, 0)
        super().paint(painter, cell, index)
        painter.save()
        palette = self._view.palette()
        painter.fillRect(band, palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.Window))
        painter.setPen(palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.Mid))
        painter.drawLine(band.topLeft(), band.topRight())
        painter.drawLine(band.bottomLeft(), band.bottomRight())
        # Each cell draws its slice of the label, placed from the row's first column, so the label runs on
        # across the columns (the view fills each cell's background before its delegate paints).
        font = QFont(self._view.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.PlaceholderText))
        painter.setClipRect(band)
        start = self._view.columnViewportPosition(self._view.first_visible_column())
        text_rect = QRect(start + 6, band.top(), max(band.right(), start + 6) + 1000, band.height() - 2)
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), str(label))
        painter.restore()
