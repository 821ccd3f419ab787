"""What the list shows: the sidebar entry, the search text and the sort, combined into one query.

Also the sidebar's saved searches: saving the current search, renaming and removing them.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop.core.library import PostFilter
from desktop.core.navigation import NavNode
from desktop.ui.dialogs import ask_name
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.post_list import COL_DATE, COL_TITLE, PostListModel
from desktop.ui.post_view import PostListView
from desktop.ui.sidebar import NODE_KEY_ROLE, SidebarView

# (column, header order) → the library's order for it; the default sort (newest) is None
ORDERS = {
    (COL_DATE, Qt.SortOrder.AscendingOrder): "oldest",
    (COL_TITLE, Qt.SortOrder.AscendingOrder): "title",
    (COL_TITLE, Qt.SortOrder.DescendingOrder): "title_desc",
}
EXPANDED = ("saved", "sites", "categories", "dates")


class Browsing(QObject):
    """Keeps the list's query in step with the sidebar, the search field and the header's sort."""

    def __init__(self, worker: LibraryWorker, sidebar: SidebarView, search: QLineEdit, view: PostListView,
                 node_key: str, parent: QWidget) -> None:
        super().__init__(parent)
        self._worker = worker
        self._sidebar = sidebar
        self._model = sidebar.sidebar_model
        self._search = search
        self._view = view
        self._posts: PostListModel = view.posts
        self._parent = parent
        self.node_key = node_key
        self.nodes: list[NavNode] = []
        self._sort = (COL_DATE, Qt.SortOrder.DescendingOrder)
        worker.navigation_ready.connect(self.on_navigation_ready)
        worker.search_saved.connect(self.on_search_saved)  # a method, so it runs on this (the GUI) thread
        sidebar.selectionModel().currentChanged.connect(self.on_sidebar_current_changed)
        sidebar.rename_requested.connect(self.on_rename_search)
        sidebar.remove_requested.connect(worker.remove_search)
        self._posts.loaded.connect(self.on_posts_loaded)
        header = view.horizontalHeader()
        header.sortIndicatorChanged.connect(self.on_sort_indicator_changed)
        self.on_sort_indicator_changed(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._posts.set_query(self.current_filter(), ORDERS.get(self._sort))

    def node(self) -> NavNode | None:
        """The selected sidebar entry."""
        return _find(self.nodes, self.node_key)

    def current_filter(self) -> PostFilter:
        """The selected entry's filter narrowed by the search text (a saved search's text and the new one)."""
        node = self.node()
        flt = node.filter if node is not None and node.filter is not None else PostFilter()
        text = " ".join(part for part in (flt.search, self._search.text().strip()) if part)
        return dataclasses.replace(flt, search=text or None)

    def select(self, key: str) -> None:
        """Select a sidebar entry by key (when it exists), as a click would."""
        index = self._model.index_of(key)
        if index.isValid():
            self._sidebar.scrollTo(index)
            self._sidebar.setCurrentIndex(index)

    def on_navigation_ready(self, nodes: list[NavNode]) -> None:
        """The sidebar's tree arrived: show it and keep the selected entry."""
        first = not self.nodes
        self.nodes = nodes
        selection = self._sidebar.selectionModel()
        blocker = selection.blockSignals(True)
        self._model.set_nodes(nodes)
        for row, node in enumerate(nodes):
            if node.key in EXPANDED:
                self._sidebar.expand(self._model.index(row, 0))
        index = self._model.index_of(self.node_key)
        changed = not index.isValid()
        if changed:
            self.node_key = "all"
            index = self._model.index_of("all")
        selection.setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        selection.blockSignals(blocker)
        if (first and self.node_key != "all") or changed:
            self._posts.set_query(self.current_filter(), self._posts.order)

    def on_sidebar_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """Another entry selected: filter the list by it (and by the search, if any)."""
        key = self._model.data(current, NODE_KEY_ROLE)
        node = self._model.node(current)
        if key is None or node is None or node.filter is None or key == self.node_key:
            return
        self.node_key = key
        self._posts.set_query(self.current_filter(), self._posts.order)

    def on_sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        """Only date and title sort; clicking another column keeps the current order and its arrow."""
        if column in (COL_DATE, COL_TITLE):
            self._sort = (column, order)
        else:
            header = self._view.horizontalHeader()
            blocker = header.blockSignals(True)
            header.setSortIndicator(*self._sort)
            header.blockSignals(blocker)

    def on_search(self) -> None:
        """The search text settled: filter the list by it."""
        self._posts.set_query(self.current_filter(), self._posts.order)

    def on_posts_loaded(self, _rows: int) -> None:
        """Say so when a filter matches nothing."""
        if self._posts.total:
            self._view.hide_message()
            return
        node = self.node()
        query = self._search.text().strip()
        if query:
            text = f"Nothing matches “{query}”" + (f" in {node.label}" if node and node.key != "all" else "")
        else:
            text = f"No posts in {node.label}" if node is not None else "No posts"
        self._view.show_message(text)

    # -- saved searches ------------------------------------------------------------------------------------
    def on_save_search(self) -> None:
        """Keep the current search (and the entry it narrows) in the sidebar, under a name the user gives."""
        flt = self.current_filter()
        if not flt.search:
            self._search.setFocus()
            return
        name = ask_name(self._parent, "Save Search", "Name of the saved search:", flt.search)
        if name:
            self._worker.save_search(name, flt)
            blocker = self._search.blockSignals(True)
            self._search.clear()  # the saved entry now carries the text
            self._search.blockSignals(blocker)

    def on_search_saved(self, search_id: int) -> None:
        """The new saved search is in the sidebar: select it."""
        self.select(f"saved:{search_id}")

    def on_rename_search(self, search_id: int, name: str) -> None:
        """Rename a saved search (asked from the sidebar's context menu)."""
        new = ask_name(self._parent, "Rename Saved Search", "New name:", name)
        if new and new != name:
            self._worker.rename_search(search_id, new)


def _find(nodes: list[NavNode], key: str) -> NavNode | None:
    for node in nodes:
        found = node.find(key)
        if found is not None:
            return found
    return None
