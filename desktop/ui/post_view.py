"""The post list's view: the table, its header, the message shown when nothing matches, and moving by keys."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.ui.post_list import COL_AUTHOR, COL_CATEGORIES, COL_DATE, COL_TITLE, PostListModel
from desktop.ui.text import plain_label


class PostListView(QTableView):
    """Rows of posts; selection by whole rows."""

    def __init__(self, model: PostListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.posts = model
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
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.message = plain_label("", self.viewport())
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: gray; padding: 24px;")
        self.message.hide()

    def show_message(self, text: str) -> None:
        """Say why the list is empty, over the list."""
        self.message.setText(text)
        self.message.resize(self.viewport().size())
        self.message.show()

    def hide_message(self) -> None:
        """The list has rows again."""
        self.message.hide()

    def select_row(self, number: int) -> None:
        """Select row ``number`` alone and scroll to it."""
        self.selectRow(number)
        self.scrollTo(self.posts.index(number, COL_TITLE))

    def step(self, step: int) -> None:
        """Select the next (1) or previous (-1) post."""
        selected = self.selectionModel().selectedRows()
        number = self.currentIndex().row() + step if selected else 0
        if number >= self.posts.rowCount() and self.posts.canFetchMore(QModelIndex()):
            self.posts.fetchMore(QModelIndex())
        if 0 <= number < self.posts.rowCount():
            self.select_row(number)
