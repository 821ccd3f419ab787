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
from desktop.ui.search_status import SearchStatus
from desktop.ui.sidebar import NODE_KEY_ROLE, SidebarView

# (column, header order) → the library's order for it; the default sort (newest, or relevance while searching) is None
ORDERS = {
    (COL_DATE, Qt.SortOrder.AscendingOrder): "oldest",
    (COL_TITLE, Qt.SortOrder.AscendingOrder): "title",
    (COL_TITLE, Qt.SortOrder.DescendingOrder): "title_desc",
}
# the library's order → the header's arrow; relevance has none
INDICATORS = {
    "newest": (COL_DATE, Qt.SortOrder.DescendingOrder),
    "oldest": (COL_DATE, Qt.SortOrder.AscendingOrder),
    "title": (COL_TITLE, Qt.SortOrder.AscendingOrder),
    "title_desc": (COL_TITLE, Qt.SortOrder.DescendingOrder),
}
EXPANDED = ("saved", "sites", "categories", "dates")


class Browsing(QObject):
    """Keeps the list's query in step with the sidebar, the search field and the header's sort.

    A search is listed by relevance until the user picks newest first (the sort button, or the Date header);
    that choice holds while the search is changed, and clearing the search brings back the order from before.
    """

    def __init__(self, worker: LibraryWorker, sidebar: SidebarView, search: QLineEdit, view: PostListView,
                 status: SearchStatus, node_key: str, parent: QWidget) -> None:
        super().__init__(parent)
        self._worker = worker
        self._sidebar = sidebar
        self._model = sidebar.sidebar_model
        self._search = search
        self._view = view
        self._posts: PostListModel = view.posts
        self._parent = parent
        self._status = status
        self.node_key = node_key
        self.nodes: list[NavNode] = []
        header = view.horizontalHeader()
        self._browse_order = ORDERS.get((header.sortIndicatorSection(), header.sortIndicatorOrder()))
        self._search_order: str | None = None  # while searching; None ranks by relevance
        self._searching = False
        self._enter_results = False  # Enter was pressed in the search field before its results came
        worker.navigation_ready.connect(self.on_navigation_ready)
        worker.search_saved.connect(self.on_search_saved)  # a method, so it runs on this (the GUI) thread
        sidebar.selectionModel().currentChanged.connect(self.on_sidebar_current_changed)
        sidebar.rename_requested.connect(self.on_rename_search)
        sidebar.remove_requested.connect(worker.remove_search)
        self._posts.loaded.connect(self.on_posts_loaded)
        header.sortIndicatorChanged.connect(self.on_sort_indicator_changed)
        status.order_chosen.connect(self.on_order_chosen)
        self._query()

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
        shown = {node.key for node in self.nodes}  # a section seen before keeps the state the user left it in
        self.nodes = nodes
        selection = self._sidebar.selectionModel()
        blocker = selection.blockSignals(True)
        self._model.set_nodes(nodes)
        for row, node in enumerate(nodes):
            if node.key in EXPANDED and node.key not in shown:
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
            self._query()

    def on_sidebar_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """Another entry selected: filter the list by it (and by the search, if any)."""
        key = self._model.data(current, NODE_KEY_ROLE)
        node = self._model.node(current)
        if key is None or node is None or node.filter is None or key == self.node_key:
            return
        self.node_key = key
        self._query()

    def _query(self) -> None:
        """List what the sidebar entry and the search text pick, in the order chosen for browsing or searching."""
        flt = self.current_filter()
        if bool(flt.search) != self._searching:
            self._searching = bool(flt.search)
            self._search_order = None  # each search starts ranked by relevance
        order = self._search_order if self._searching else self._browse_order
        self._indicate(order or ("relevance" if self._searching else "newest"))
        self._posts.set_query(flt, order)

    def _indicate(self, order: str) -> None:
        """The header's arrow for ``order`` (none for relevance), without sorting again."""
        header = self._view.horizontalHeader()
        column, direction = INDICATORS.get(order, (-1, Qt.SortOrder.DescendingOrder))  # then Date starts newest
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (column, direction):
            blocker = header.blockSignals(True)
            header.setSortIndicator(column, direction)
            header.blockSignals(blocker)

    def on_sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        """A header click (the model has sorted already): only date and title sort; other columns keep the order."""
        if column not in (COL_DATE, COL_TITLE):
            self._indicate(self._posts.listed_order)
        elif self._searching:
            self._search_order = ORDERS.get((column, order), "newest")
        else:
            self._browse_order = ORDERS.get((column, order))

    def on_order_chosen(self, order: str | None) -> None:
        """The sort button: this search by relevance (None) or newest first."""
        self._search_order = order
        self._query()

    def on_search(self) -> None:
        """The search text settled: filter the list by it."""
        self._query()

    def enter_results(self) -> None:
        """Enter or Down in the search field: into the list with its first post selected, once it is listed."""
        if self._posts.loading:
            self._enter_results = True
            return
        self._enter_results = False
        if self._posts.rowCount():
            self._view.setFocus()
            self._view.select_row(0)

    def on_posts_loaded(self, _rows: int) -> None:
        """Show the count and the order; say so when a filter matches nothing; go on into the results if asked."""
        self._indicate(self._posts.listed_order)
        self._status.show_list(self._posts.total, bool(self._posts.filter.search), self._posts.listed_order,
                               self._posts.order)
        if self._enter_results:
            self.enter_results()
        if self._posts.total:
            self._view.hide_message()
            return
        node = self.node()
        query = self._search.text().strip()
        if query:
            shown = query if query[:1] in "\"“" else f"“{query}”"  # a quoted phrase keeps its own quotes
            text = f"Nothing matches {shown}" + (f" in {node.label}" if node and node.key != "all" else "")
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
