"""The sidebar: a tree model over the core's navigation nodes (smart lists, categories, tags, dates)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QHeaderView, QMenu, QTreeView, QWidget

from desktop.core.navigation import NavNode
from desktop.ui.text import tooltip

NODE_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
COL_NAME, COL_COUNT = range(2)
_Index = QModelIndex | QPersistentModelIndex


class SidebarModel(QAbstractItemModel):
    """Two columns: the entry's name and its post count. Headings are not selectable."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._roots: list[NavNode] = []
        self._parents: dict[int, NavNode | None] = {}

    def set_nodes(self, roots: list[NavNode]) -> None:
        """Replace the whole tree (the view keeps its selection by key; see MainWindow)."""
        self.beginResetModel()
        self._roots = roots
        self._parents = {}
        stack: list[tuple[NavNode, NavNode | None]] = [(n, None) for n in roots]
        while stack:
            node, parent = stack.pop()
            self._parents[id(node)] = parent
            stack.extend((child, node) for child in node.children)
        self.endResetModel()

    def set_counts(self, counts: dict[str, int]) -> None:
        """Update the counts of the top-level entries named in ``counts`` (All, Unread, Starred)."""
        for row, node in enumerate(self._roots):
            if node.key in counts and node.count != counts[node.key]:
                node.count = counts[node.key]
                self.dataChanged.emit(self.index(row, COL_COUNT), self.index(row, COL_COUNT))

    def node(self, index: _Index) -> NavNode | None:
        """The node behind an index."""
        return index.internalPointer() if index.isValid() else None

    def index_of(self, key: str) -> QModelIndex:
        """The index of the node with ``key``, or an invalid index."""
        for root in self._roots:
            found = root.find(key)
            if found is not None:
                return self._index_for(found)
        return QModelIndex()

    def _index_for(self, node: NavNode) -> QModelIndex:
        parent = self._parents.get(id(node))
        siblings = parent.children if parent is not None else self._roots
        return self.createIndex(next(i for i, n in enumerate(siblings) if n is node), 0, node)

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Qt's index for a child of ``parent``."""
        siblings = self._children(parent)
        if 0 <= row < len(siblings) and 0 <= column < 2:
            return self.createIndex(row, column, siblings[row])
        return QModelIndex()

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        """Qt's index for the parent of ``index``."""
        node = self.node(index)
        if node is None:
            return QModelIndex()
        parent = self._parents.get(id(node))
        return self._index_for(parent) if parent is not None else QModelIndex()

    def _children(self, parent: _Index) -> list[NavNode]:
        node = self.node(parent)
        return node.children if node is not None else self._roots

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's names
        """Children of ``parent`` (only the first column has children)."""
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(parent))

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Name and count."""
        return 2

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Entries with a filter are selectable; headings only group."""
        node = self.node(index)
        if node is None:
            return Qt.ItemFlag.NoItemFlags
        if node.filter is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Name, count, bold headings, and the node's key under NODE_KEY_ROLE."""
        node = self.node(index)
        if node is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == COL_NAME:
                return node.label
            return f"{node.count:,}" if node.count is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COL_COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == COL_COUNT:
            return QPalette().brush(QPalette.ColorGroup.Normal, QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.FontRole and node.filter is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == NODE_KEY_ROLE:
            return node.key
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(f"{node.label}: {node.count:,} posts" if node.count is not None else node.label)
        return None


class SidebarView(QTreeView):
    """The sidebar's tree: names that stretch, counts that fit; saved searches can be renamed and removed.

    A new tree (after an import or a sync) keeps the branches open that were open, by node key, and the scroll.
    """

    rename_requested = Signal(int, str)  # saved search id, its name now
    remove_requested = Signal(int)  # saved search id
    update_requested = Signal(str)  # the host of a site added by address

    def __init__(self, model: SidebarModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sidebar_model = model
        self.setModel(model)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self.on_context_menu)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(COL_COUNT, QHeaderView.ResizeMode.ResizeToContents)
        self.setAccessibleName("Sidebar")
        self.updatable_hosts: set[str] = set()  # sites added by address: their entries offer Update Site
        self._expanded: set[str] = set()  # keys of the open branches, while the tree is replaced
        self._scrolled = 0
        model.modelAboutToBeReset.connect(self.on_model_about_to_be_reset)
        model.modelReset.connect(self.on_model_reset)

    def expanded_keys(self) -> set[str]:
        """The keys of the branches that are open."""
        keys: set[str] = set()
        model = self.sidebar_model
        stack = [model.index(row, COL_NAME) for row in range(model.rowCount())]
        while stack:
            index = stack.pop()
            if model.rowCount(index) and self.isExpanded(index):
                keys.add(model.data(index, NODE_KEY_ROLE))
                stack.extend(model.index(row, COL_NAME, index) for row in range(model.rowCount(index)))
        return keys

    def on_model_about_to_be_reset(self) -> None:
        """Note which branches are open before the tree goes."""
        self._expanded = self.expanded_keys()
        self._scrolled = self.verticalScrollBar().value()

    def on_model_reset(self) -> None:
        """Open the same branches in the new tree (those that are still there) and scroll back."""
        for key in self._expanded:
            index = self.sidebar_model.index_of(key)
            if index.isValid():
                self.expand(index)
        self.verticalScrollBar().setValue(self._scrolled)

    def on_context_menu(self, pos: QPoint) -> None:
        """Rename… and Remove for a saved search; Update Site for a site added by address."""
        node = self.sidebar_model.node(self.indexAt(pos))
        if node is not None and node.key.startswith("site:") and node.key[5:] in self.updatable_hosts:
            host = node.key[5:]
            menu = QMenu(self)
            menu.addAction("Update Site").triggered.connect(lambda: self.update_requested.emit(host))
            menu.exec(self.viewport().mapToGlobal(pos))
            menu.deleteLater()
            return
        if node is None or not node.key.startswith("saved:"):
            return
        search_id = int(node.key.split(":", 1)[1])
        menu = QMenu(self)
        menu.addAction("Rename…").triggered.connect(lambda: self.rename_requested.emit(search_id, node.label))
        menu.addAction("Remove").triggered.connect(lambda: self.remove_requested.emit(search_id))
        menu.exec(self.viewport().mapToGlobal(pos))
