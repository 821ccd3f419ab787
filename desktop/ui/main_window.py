"""The main window: layout, menus and the wiring between sidebar, post list, reader, worker and imports."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QIcon,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from desktop.core.importer import Summary
from desktop.core.library import PostFilter, PostRow
from desktop.core.navigation import NavNode
from desktop.logs import log
from desktop.paths import cache_dir, resource
from desktop.ui.current_post import CurrentPost
from desktop.ui.dialogs import show_about
from desktop.ui.drop import DropTarget
from desktop.ui.import_status import ImportStatus
from desktop.ui.importing import ImportQueue
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.post_actions import PostActions
from desktop.ui.post_list import COL_DATE, COL_TITLE, PostListModel
from desktop.ui.post_view import PostListView
from desktop.ui.reader import ImageLoader, ReaderPane
from desktop.ui.settings import Settings
from desktop.ui.sidebar import NODE_KEY_ROLE, SidebarModel, SidebarView

# (column, header order) → the library's order for it; the default sort (newest) is None
_ORDERS = {
    (COL_DATE, Qt.SortOrder.AscendingOrder): "oldest",
    (COL_TITLE, Qt.SortOrder.AscendingOrder): "title",
    (COL_TITLE, Qt.SortOrder.DescendingOrder): "title_desc",
}
SEARCH_DELAY_MS = 250
REFRESH_DELAY_MS = 400
EMPTY_TEXT = ("<h2>Your library is empty</h2><p>Drop WordPress JSON files or folders here,<br/>"
              "or choose <b>File ▸ Import Files…</b> or <b>Import Folder…</b></p>"
              "<p style='color: gray'>Article Browser reads what <code>/wp-json/wp/v2/posts</code> returns "
              "(with or without <code>_embed</code>), and category, tag, user and media lists.</p>")


class MainWindow(QMainWindow):
    """Sidebar, post list and reader in splitters; imports by drop, menu or command line."""

    def __init__(self, library_path: Path, worker: LibraryWorker, store: QSettings,
                 images: ImageLoader | None = None) -> None:
        super().__init__()
        self.library_path = library_path
        self.settings = store
        self.prefs = settings = Settings(store)
        self.worker = worker
        self.images = images or ImageLoader(str(cache_dir()), self)
        self.imports = ImportQueue(library_path, self)
        self.setWindowTitle("Article Browser")
        self.setWindowIcon(QIcon(str(resource("icons/article-browser.svg"))))
        self._node_key = settings.node
        self._nodes: list[NavNode] = []
        self._sort = (COL_DATE, Qt.SortOrder.DescendingOrder)

        self._build_widgets()
        self.current = CurrentPost(worker, self.reader_pane, settings, self)
        self.post_actions = PostActions(worker, self.post_list, self.current, self.say, self)
        self._build_actions()
        self._connect()
        self._restore()
        worker.fetch_navigation()
        header = self.post_list.horizontalHeader()
        self.on_sort_indicator_changed(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.posts.set_query(self._current_filter(), _ORDERS.get(self._sort))

    # -- construction --------------------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.sidebar_model = SidebarModel(self)
        self.sidebar = SidebarView(self.sidebar_model)
        self.posts = PostListModel(self.worker, self)
        self.post_list = PostListView(self.posts)
        self.reader_pane = ReaderPane(self.images)
        self.reader = self.reader_pane.reader
        self.reader.setAccessibleName("Reader")

        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.post_list)
        self.right.addWidget(self.reader_pane)
        self.right.setSizes([300, 460])
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.sidebar)
        self.split.addWidget(self.right)
        self.split.setStretchFactor(1, 3)
        self.split.setSizes([240, 860])

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setTextFormat(Qt.TextFormat.RichText)  # our own words; nothing from data
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.split)
        self.pages.addWidget(self.empty)
        self.setCentralWidget(self.pages)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search (Ctrl+L)")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(360)
        self.search.setAccessibleName("Search")
        toolbar = QToolBar("Search")
        toolbar.setObjectName("search-toolbar")
        toolbar.setMovable(False)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.search)
        self.addToolBar(toolbar)
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)

        self.import_status = ImportStatus()
        self.statusBar().addPermanentWidget(self.import_status)

        self.drop = DropTarget(self)

    def _action(self, menu: QMenu, text: str, slot: object,
                *keys: QKeySequence | QKeySequence.StandardKey | str) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "Import &Files…", self.on_import_files, QKeySequence.StandardKey.Open)
        self._action(file_menu, "Import F&older…", self.on_import_folder, "Ctrl+Shift+O")
        self._action(file_menu, "Last Import &Report", self.import_status.show_report)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("&Edit")
        self._action(edit_menu, "&Search", self.on_focus_search, "Ctrl+L", "/")
        self._action(edit_menu, "Copy &Link", self.post_actions.on_copy_link, "Ctrl+Shift+C")

        post_menu = bar.addMenu("&Post")
        self._action(post_menu, "&Next Post", lambda: self.post_list.step(1), "J")
        self._action(post_menu, "&Previous Post", lambda: self.post_list.step(-1), "K")
        self._action(post_menu, "&Read On (Next Page, Then Next Post)", self.on_read_on, "Space")
        post_menu.addSeparator()
        self._action(post_menu, "&Star / Unstar", self.post_actions.on_toggle_star, "S")
        self._action(post_menu, "Mark &Unread / Read", self.post_actions.on_toggle_read, "U")
        self._action(post_menu, "&Open Original in Browser", self.post_actions.on_open_original, "Ctrl+Return")
        self._action(post_menu, "Show &Raw Source", self.post_actions.on_show_raw, "Ctrl+U")
        post_menu.addSeparator()
        self._action(post_menu, "&Delete…", self.post_actions.on_delete, QKeySequence.StandardKey.Delete)
        self.post_menu = post_menu

        view_menu = bar.addMenu("&View")
        self._action(view_menu, "Find in Post…", self.reader_pane.find_bar.open_bar, QKeySequence.StandardKey.Find)
        view_menu.addSeparator()
        self._action(view_menu, "Zoom &In", lambda: self.current.on_zoom(1), QKeySequence.StandardKey.ZoomIn,
                     "Ctrl+=")
        self._action(view_menu, "Zoom &Out", lambda: self.current.on_zoom(-1), QKeySequence.StandardKey.ZoomOut)
        self._action(view_menu, "&Actual Size", lambda: self.current.on_zoom(0), "Ctrl+0")
        view_menu.addSeparator()
        self.images_everywhere_action = self._action(view_menu, "Load Images in Every Post",
                                                     self.current.on_images_everywhere)
        self.images_everywhere_action.setCheckable(True)
        self.images_everywhere_action.setChecked(self.prefs.images_everywhere)
        self._action(view_menu, "Clear Image Cache", self.on_clear_image_cache)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "Show Library &Folder", self.on_show_library_folder)
        self._action(help_menu, "&About Article Browser", lambda: show_about(self.library_path, self))
        for action in post_menu.actions():
            action.setShortcutVisibleInContextMenu(True)

    def _connect(self) -> None:
        self.worker.navigation_ready.connect(self.on_navigation_ready)
        self.reader.term_clicked.connect(self.on_term_clicked)
        self.reader.link_hovered.connect(lambda url: self.statusBar().showMessage(url) if url
                                         else self.statusBar().clearMessage())
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _: self.reader.apply_palette())
        self.drop.dropped.connect(self.import_paths)
        self.worker.deleted.connect(self.post_actions.on_deleted)
        self.worker.state_changed.connect(lambda *_: self.worker.fetch_counts())
        self.worker.counts_ready.connect(self.sidebar_model.set_counts)
        self.worker.failed.connect(self.on_worker_failed)
        self.sidebar.selectionModel().currentChanged.connect(self.on_sidebar_current_changed)
        self.post_list.selectionModel().selectionChanged.connect(self.on_post_selection_changed)
        self.post_list.customContextMenuRequested.connect(
            lambda pos: self.post_menu.exec(self.post_list.viewport().mapToGlobal(pos)))
        self.posts.loaded.connect(self.on_posts_loaded)
        self.posts.modelReset.connect(self._restore_post_selection)
        self.search.textChanged.connect(lambda _: self.search_timer.start())
        self.search_timer.timeout.connect(self.on_search)
        self.refresh_timer.timeout.connect(self.on_refresh)
        self.imports.progress.connect(self.import_status.on_progress)
        self.imports.file_done.connect(self.refresh_timer.start)
        self.imports.finished.connect(self.on_import_finished)
        self.imports.failed.connect(self.on_worker_failed)
        self.imports.busy_changed.connect(self.on_import_busy)
        self.import_status.cancel.connect(self.imports.cancel)
        self.search.installEventFilter(self)
        self.post_list.horizontalHeader().sortIndicatorChanged.connect(self.on_sort_indicator_changed)

    # -- settings ------------------------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.prefs.state(Settings.GEOMETRY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 780)
        for key, splitter in ((Settings.SIDEBAR_SPLIT, self.split), (Settings.LIST_SPLIT, self.right)):
            state = self.prefs.state(key)
            if state is not None:
                splitter.restoreState(state)
        header = self.prefs.state(Settings.COLUMNS)
        if header is not None:
            self.post_list.horizontalHeader().restoreState(header)

    def save_settings(self) -> None:
        """Remember the window, the selected entry and post."""
        self.prefs.set_state(Settings.GEOMETRY, self.saveGeometry())
        self.prefs.set_state(Settings.SIDEBAR_SPLIT, self.split.saveState())
        self.prefs.set_state(Settings.LIST_SPLIT, self.right.saveState())
        self.prefs.set_state(Settings.COLUMNS, self.post_list.horizontalHeader().saveState())
        self.prefs.node = self._node_key
        self.prefs.post = self.current.post_id
        self.prefs.sync()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """A new palette (light or dark) reaches the reader's colours too."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.reader.apply_palette()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Save settings; stop a running import between files before closing."""
        self.save_settings()
        if self.imports.busy:
            self.imports.cancel()
            self.imports.wait()
        event.accept()

    def say(self, text: str) -> None:
        """A passing message in the status bar."""
        self.statusBar().showMessage(text, 8000)

    # -- filters -------------------------------------------------------------------------------------------
    def _current_filter(self) -> PostFilter:
        node = _find(self._nodes, self._node_key)
        flt = node.filter if node is not None and node.filter is not None else PostFilter()
        text = self.search.text().strip()
        return dataclasses.replace(flt, search=text or None)

    def on_navigation_ready(self, nodes: list[NavNode]) -> None:
        """The sidebar's tree arrived: show it, keep the selected entry, show the empty state if needed."""
        first = not self._nodes
        self._nodes = nodes
        blocker = self.sidebar.selectionModel().blockSignals(True)
        self.sidebar_model.set_nodes(nodes)
        for row, node in enumerate(nodes):
            if node.key in ("categories", "dates"):
                self.sidebar.expand(self.sidebar_model.index(row, 0))
        index = self.sidebar_model.index_of(self._node_key)
        if not index.isValid():
            self._node_key = "all"
            index = self.sidebar_model.index_of("all")
        self.sidebar.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.sidebar.selectionModel().blockSignals(blocker)
        total = nodes[0].count if nodes else 0
        self.pages.setCurrentWidget(self.empty if not total and not self.imports.busy else self.split)
        if first and self._node_key != "all":
            self.posts.set_query(self._current_filter(), self.posts.order)

    def on_sidebar_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """Another entry selected: filter the list by it (and by the search, if any)."""
        key = self.sidebar_model.data(current, NODE_KEY_ROLE)
        node = self.sidebar_model.node(current)
        if key is None or node is None or node.filter is None or key == self._node_key:
            return
        self._node_key = key
        self.posts.set_query(self._current_filter(), self.posts.order)

    def on_sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        """Only date and title sort; clicking another column keeps the current order and its arrow."""
        if column in (COL_DATE, COL_TITLE):
            self._sort = (column, order)
        else:
            header = self.post_list.horizontalHeader()
            blocker = header.blockSignals(True)
            header.setSortIndicator(*self._sort)
            header.blockSignals(blocker)

    def on_search(self) -> None:
        """The search text settled: filter the list by it."""
        self.posts.set_query(self._current_filter(), self.posts.order)

    def on_refresh(self) -> None:
        """Files were imported: reload the list (keeping the selection) and the sidebar's counts."""
        self.posts.reload()
        self.worker.fetch_navigation()

    def on_posts_loaded(self, _rows: int) -> None:
        """Say so when a filter matches nothing."""
        if self.posts.total:
            self.post_list.hide_message()
            return
        node = _find(self._nodes, self._node_key)
        query = self.search.text().strip()
        if query:
            text = f"Nothing matches “{query}”" + (f" in {node.label}" if node and node.key != "all" else "")
        else:
            text = f"No posts in {node.label}" if node is not None else "No posts"
        self.post_list.show_message(text)

    # -- the selected post ---------------------------------------------------------------------------------
    def selected_posts(self) -> list[PostRow]:
        """The posts selected in the list, in list order."""
        return self.post_actions.selected()

    def on_post_selection_changed(self, *_: object) -> None:
        """Show the current post and mark it read."""
        selected = self.selected_posts()
        if len(selected) == 1:
            self.current.show(selected[0])

    def on_clear_image_cache(self) -> None:
        """Forget every downloaded image."""
        self.images.clear()
        self.say("Image cache cleared")

    def on_term_clicked(self, term_id: int) -> None:
        """A category or tag in the byline: show its posts."""
        index = self.sidebar_model.index_of(f"term:{term_id}")
        if index.isValid():
            self.sidebar.scrollTo(index)
            self.sidebar.setCurrentIndex(index)

    def _restore_post_selection(self) -> None:
        if self.current.post_id is None:
            return
        number = self.posts.row_for(self.current.post_id)
        if number is None and not self.posts.loading:
            self.current.clear()
        elif number is not None:
            self.post_list.select_row(number)

    def on_read_on(self) -> None:
        """Space: the next screen of the post, or the next post at its end."""
        if self.reader.at_end():
            self.post_list.step(1)
        else:
            self.reader.page_down()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Escape in the search field clears it and goes back to the list."""
        if (watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape):
            self.search.clear()
            self.post_list.setFocus()
            return True
        return False

    # -- actions -------------------------------------------------------------------------------------------
    def on_deleted(self, _post_ids: list[int]) -> None:
        """Posts are gone: reload the list and the counts."""
        self.on_refresh()

    def on_focus_search(self) -> None:
        """Put the cursor in the search field."""
        self.search.setFocus()
        self.search.selectAll()

    def on_show_library_folder(self) -> None:
        """Open the folder holding the library in the file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.library_path)))

    def on_worker_failed(self, details: str) -> None:
        """A bug, not bad input: say so without a traceback in the user's face; the log has it."""
        self.say("Something went wrong; the library is unchanged. Details are in the log.")
        log.error("%s", details)

    # -- importing -----------------------------------------------------------------------------------------
    def import_paths(self, paths: list[Path]) -> None:
        """Import files and folders in the background (after any import already running)."""
        if paths:
            self.prefs.import_folder = str(paths[0].parent if paths[0].is_file() else paths[0])
            self.imports.add(paths)
            if self.imports.waiting:
                self.say(f"Queued {len(paths)} item{'s' if len(paths) != 1 else ''} to import next")

    def on_files_from_another_launch(self, paths: list[Path]) -> None:
        """``article-browser FILE...`` ran while this window was open: import them, come to the front."""
        self.import_paths(paths)
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def on_import_files(self) -> None:
        """File ▸ Import Files…."""
        names, _ = QFileDialog.getOpenFileNames(self, "Import WordPress Files", self._import_folder(),
                                                "WordPress JSON or XML (*.json *.xml);;All files (*)")
        self.import_paths([Path(n) for n in names])

    def on_import_folder(self) -> None:
        """File ▸ Import Folder…."""
        name = QFileDialog.getExistingDirectory(self, "Import a Folder of WordPress Files", self._import_folder())
        if name:
            self.import_paths([Path(name)])

    def _import_folder(self) -> str:
        return self.prefs.import_folder or str(Path.home())

    def on_import_busy(self, busy: bool) -> None:
        """Show or hide the progress widgets."""
        self.import_status.set_busy(busy)
        if busy:
            self.pages.setCurrentWidget(self.split)

    def on_import_finished(self, summary: Summary) -> None:
        """A passing line in the status bar; the report stays a click away, and opens when anything failed."""
        self.say(summary.headline())
        log.info("%s", summary.headline())
        for result in summary.failed:
            log.warning("%s: %s", result.path, result.reason())
        self.on_refresh()
        self.import_status.finished(summary)


def _find(nodes: list[NavNode], key: str) -> NavNode | None:
    for node in nodes:
        found = node.find(key)
        if found is not None:
            return found
    return None
