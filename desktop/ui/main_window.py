"""The main window: layout, menus and the wiring between sidebar, post list, reader, worker and imports."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QIcon,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.core.importer import Progress, Summary
from desktop.core.library import PostFilter, PostRow
from desktop.core.navigation import NavNode
from desktop.logs import log
from desktop.paths import cache_dir, resource
from desktop.ui.importing import ImportQueue, ImportReport
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.post_list import COL_AUTHOR, COL_CATEGORIES, COL_DATE, COL_TITLE, PostListModel
from desktop.ui.reader import ImageLoader, ReaderPane
from desktop.ui.sidebar import COL_COUNT, COL_NAME, NODE_KEY_ROLE, SidebarModel

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

    def __init__(self, library_path: Path, worker: LibraryWorker, settings: QSettings,
                 images: ImageLoader | None = None) -> None:
        super().__init__()
        self.library_path = library_path
        self.settings = settings
        self.worker = worker
        self.images = images or ImageLoader(str(cache_dir()), self)
        self._current_row: PostRow | None = None
        self._images_once: int | None = None
        self.imports = ImportQueue(library_path, self)
        self.setWindowTitle("Article Browser")
        self.setWindowIcon(QIcon(str(resource("icons/article-browser.svg"))))
        self.setAcceptDrops(True)
        self._node_key = str(settings.value("selection/node", "all"))
        self._post_id: int | None = _int(settings.value("selection/post"))
        self._nodes: list[NavNode] = []
        self._sort = (COL_DATE, Qt.SortOrder.DescendingOrder)

        self._build_widgets()
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
        self.sidebar = QTreeView()
        self.sidebar.setModel(self.sidebar_model)
        self.sidebar.setHeaderHidden(True)
        self.sidebar.setUniformRowHeights(True)
        self.sidebar.header().setStretchLastSection(False)
        self.sidebar.header().setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.sidebar.header().setSectionResizeMode(COL_COUNT, QHeaderView.ResizeMode.ResizeToContents)
        self.sidebar.setAccessibleName("Sidebar")

        self.posts = PostListModel(self.worker, self)
        self.post_list = QTableView()
        self.post_list.setModel(self.posts)
        self.post_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.post_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.post_list.setSortingEnabled(True)
        self.post_list.horizontalHeader().setSortIndicator(COL_DATE, Qt.SortOrder.DescendingOrder)
        self.post_list.verticalHeader().hide()
        self.post_list.setShowGrid(False)
        self.post_list.setWordWrap(False)
        self.post_list.setAlternatingRowColors(True)
        self.post_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.post_list.horizontalHeader()
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(COL_DATE, 96)
        header.resizeSection(COL_CATEGORIES, 160)
        header.resizeSection(COL_AUTHOR, 130)
        self.post_list.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.list_message = QLabel(self.post_list.viewport())
        self.list_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_message.setStyleSheet("color: gray; padding: 24px;")
        self.list_message.hide()

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

        self.status = QLabel()
        self.progress_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.cancel_button = QPushButton("Cancel")
        self.statusBar().addWidget(self.status, 1)
        for widget in (self.progress_label, self.progress, self.cancel_button):
            self.statusBar().addPermanentWidget(widget)
            widget.hide()

        self.drop_hint = QLabel("Drop to import into the library", self)
        self.drop_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_hint.setStyleSheet("background: rgba(47, 93, 138, 200); color: white; font-size: 20px; "
                                     "border: 3px dashed white; border-radius: 12px;")
        self.drop_hint.hide()

    def _action(self, menu: QMenu, text: str, slot: object, *keys: QKeySequence | str) -> QAction:
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
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("&Edit")
        self._action(edit_menu, "&Search", self.on_focus_search, "Ctrl+L", "/")
        self._action(edit_menu, "Copy &Link", self.on_copy_link, "Ctrl+Shift+C")

        post_menu = bar.addMenu("&Post")
        self._action(post_menu, "&Next Post", lambda: self.move_selection(1), "J")
        self._action(post_menu, "&Previous Post", lambda: self.move_selection(-1), "K")
        self._action(post_menu, "&Read On (Next Page, Then Next Post)", self.on_read_on, "Space")
        post_menu.addSeparator()
        self._action(post_menu, "&Star / Unstar", self.on_toggle_star, "S")
        self._action(post_menu, "Mark &Unread / Read", self.on_toggle_read, "U")
        self._action(post_menu, "&Open Original in Browser", self.on_open_original, "Ctrl+Return")
        self._action(post_menu, "Show &Raw JSON", self.on_show_raw, "Ctrl+U")
        post_menu.addSeparator()
        self._action(post_menu, "&Delete…", self.on_delete, QKeySequence.StandardKey.Delete)
        self.post_menu = post_menu

        view_menu = bar.addMenu("&View")
        self._action(view_menu, "Find in Post…", self.reader_pane.find_bar.open_bar, QKeySequence.StandardKey.Find)
        view_menu.addSeparator()
        self._action(view_menu, "Zoom &In", lambda: self.on_zoom(1), QKeySequence.StandardKey.ZoomIn, "Ctrl+=")
        self._action(view_menu, "Zoom &Out", lambda: self.on_zoom(-1), QKeySequence.StandardKey.ZoomOut)
        self._action(view_menu, "&Actual Size", lambda: self.on_zoom(0), "Ctrl+0")
        view_menu.addSeparator()
        self.images_everywhere_action = self._action(view_menu, "Load Images in Every Post",
                                                     self.on_images_everywhere)
        self.images_everywhere_action.setCheckable(True)
        self.images_everywhere_action.setChecked(self.settings.value("images/everywhere", False, type=bool))
        self._action(view_menu, "Clear Image Cache", self.on_clear_image_cache)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "Show Library &Folder", self.on_show_library_folder)
        self._action(help_menu, "&About Article Browser", self.on_about)
        for action in post_menu.actions():
            action.setShortcutVisibleInContextMenu(True)

    def _connect(self) -> None:
        self.worker.navigation_ready.connect(self.on_navigation_ready)
        self.reader_pane.images_bar.load_once.connect(self.on_load_images_once)
        self.reader_pane.images_bar.load_site.connect(self.on_load_images_for_site)
        self.reader.term_clicked.connect(self.on_term_clicked)
        self.reader.link_hovered.connect(lambda url: self.statusBar().showMessage(url) if url
                                         else self.statusBar().clearMessage())
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _: self.reader.apply_palette())
        self.worker.post_ready.connect(self.on_post_ready)
        self.worker.raw_ready.connect(self.on_raw_ready)
        self.worker.deleted.connect(self.on_deleted)
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
        self.imports.progress.connect(self.on_import_progress)
        self.imports.file_done.connect(self.refresh_timer.start)
        self.imports.finished.connect(self.on_import_finished)
        self.imports.failed.connect(self.on_worker_failed)
        self.imports.busy_changed.connect(self.on_import_busy)
        self.cancel_button.clicked.connect(self.imports.cancel)
        self.search.installEventFilter(self)
        self.post_list.horizontalHeader().sortIndicatorChanged.connect(self.on_sort_indicator_changed)

    # -- settings ------------------------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 780)
        for name, splitter in (("window/split", self.split), ("window/right", self.right)):
            state = self.settings.value(name)
            if state is not None:
                splitter.restoreState(state)
        header = self.settings.value("window/columns")
        if header is not None:
            self.post_list.horizontalHeader().restoreState(header)
        self._apply_zoom(int(self.settings.value("reader/zoom", 0, type=int)))

    def save_settings(self) -> None:
        """Remember the window, the selected entry and post, and the last import folder."""
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/split", self.split.saveState())
        self.settings.setValue("window/right", self.right.saveState())
        self.settings.setValue("window/columns", self.post_list.horizontalHeader().saveState())
        self.settings.setValue("selection/node", self._node_key)
        self.settings.setValue("selection/post", self._post_id if self._post_id is not None else "")
        self.settings.sync()

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
            self.list_message.hide()
            return
        node = _find(self._nodes, self._node_key)
        query = self.search.text().strip()
        if query:
            text = f"Nothing matches “{query}”" + (f" in {node.label}" if node and node.key != "all" else "")
        else:
            text = f"No posts in {node.label}" if node is not None else "No posts"
        self.list_message.setText(text)
        self.list_message.resize(self.post_list.viewport().size())
        self.list_message.show()

    # -- the selected post ---------------------------------------------------------------------------------
    def selected_posts(self) -> list[PostRow]:
        """The posts selected in the list, in list order."""
        rows = sorted({i.row() for i in self.post_list.selectionModel().selectedRows()})
        return [p for p in (self.posts.post(r) for r in rows) if p is not None]

    def on_post_selection_changed(self, *_: object) -> None:
        """Show the current post and mark it read."""
        selected = self.selected_posts()
        if len(selected) != 1:
            return
        post = selected[0]
        self._post_id = post.id
        self.worker.fetch_post(post.id, self._images_allowed(post), self.reader.image_width())
        if not post.read:
            self.worker.set_state([post.id], "read", True)

    def on_post_ready(self, post_id: int, row: PostRow | None, html: str, held_back: int, shown: bool) -> None:
        """A rendered post arrived; show it if it is still the one selected."""
        if post_id != self._post_id:
            return
        self._current_row = row
        self.reader.show_post(html, shown)
        self.reader_pane.images_bar.offer(held_back, row.site if row else "")
        if self.reader_pane.find_bar.isVisible():
            self.reader_pane.find_bar.highlight()

    def _images_allowed(self, row: PostRow) -> bool:
        if self.settings.value("images/everywhere", False, type=bool) or self._images_once == row.id:
            return True
        return row.site in _string_list(self.settings.value("images/sites", []))

    def _show_again(self) -> None:
        """Render the current post again, with images if they are now allowed for it."""
        assert self._current_row is not None
        row = self._current_row
        self.worker.fetch_post(row.id, self._images_allowed(row), self.reader.image_width())

    def on_load_images_once(self) -> None:
        """Load this post's images (this time)."""
        if self._current_row is not None:
            self._images_once = self._current_row.id
            self._show_again()

    def on_load_images_for_site(self) -> None:
        """Load images for every post of this post's site, from now on."""
        if self._current_row is not None:
            sites = _string_list(self.settings.value("images/sites", []))
            if self._current_row.site not in sites:
                self.settings.setValue("images/sites", [*sites, self._current_row.site])
            self._show_again()

    def on_images_everywhere(self, checked: bool) -> None:
        """The setting that loads images for every post."""
        self.settings.setValue("images/everywhere", checked)
        if self._current_row is not None:
            self._show_again()

    def on_clear_image_cache(self) -> None:
        """Forget every downloaded image."""
        self.images.clear()
        self.status.setText("Image cache cleared")

    def on_zoom(self, step: int) -> None:
        """Zoom the reader in or out a step (0 resets); remembered across runs."""
        zoom = 0 if step == 0 else int(self.settings.value("reader/zoom", 0, type=int)) + step
        self._apply_zoom(zoom)
        self.settings.setValue("reader/zoom", zoom)

    def _apply_zoom(self, zoom: int) -> None:
        font = self.reader.document().defaultFont()
        base = QGuiApplication.font().pointSizeF()
        font.setPointSizeF(max(6.0, base + zoom))
        self.reader.document().setDefaultFont(font)

    def on_term_clicked(self, term_id: int) -> None:
        """A category or tag in the byline: show its posts."""
        index = self.sidebar_model.index_of(f"term:{term_id}")
        if index.isValid():
            self.sidebar.scrollTo(index)
            self.sidebar.setCurrentIndex(index)

    def _restore_post_selection(self) -> None:
        if self._post_id is None:
            return
        number = self.posts.row_for(self._post_id)
        if number is None and not self.posts.loading:
            self._show_nothing()
        elif number is not None:
            self.post_list.selectRow(number)
            self.post_list.scrollTo(self.posts.index(number, 0))

    def move_selection(self, step: int) -> None:
        """Select the next (1) or previous (-1) post."""
        selected = self.post_list.selectionModel().selectedRows()
        number = self.post_list.currentIndex().row() + step if selected else 0
        if number >= self.posts.rowCount() and self.posts.canFetchMore(QModelIndex()):
            self.posts.fetchMore(QModelIndex())
        if 0 <= number < self.posts.rowCount():
            self.post_list.selectRow(number)
            self.post_list.scrollTo(self.posts.index(number, COL_TITLE))

    def on_read_on(self) -> None:
        """Space: the next screen of the post, or the next post at its end."""
        if self.reader.at_end():
            self.move_selection(1)
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
    def on_toggle_star(self) -> None:
        """Star the selected posts, or unstar them if all are starred."""
        posts = self.selected_posts()
        if posts:
            self.worker.set_state([p.id for p in posts], "starred", not all(p.starred for p in posts))

    def on_toggle_read(self) -> None:
        """Mark the selected posts unread, or read if all are unread."""
        posts = self.selected_posts()
        if posts:
            self.worker.set_state([p.id for p in posts], "read", all(not p.read for p in posts))

    def on_open_original(self) -> None:
        """Open the selected post's page in the system browser."""
        for post in self.selected_posts()[:10]:
            if post.link:
                QDesktopServices.openUrl(QUrl(post.link))

    def on_copy_link(self) -> None:
        """Copy the selected posts' links."""
        links = [p.link for p in self.selected_posts() if p.link]
        if links:
            QGuiApplication.clipboard().setText("\n".join(links))
            self.status.setText("Link copied" if len(links) == 1 else f"{len(links)} links copied")

    def on_show_raw(self) -> None:
        """Ask for the selected post's JSON as imported."""
        posts = self.selected_posts()
        if posts:
            self.worker.fetch_raw(posts[0].id)

    def on_raw_ready(self, post_id: int, text: str) -> None:
        """Show a post's raw JSON in a window of its own."""
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Raw JSON — post {post_id}")
        layout = QVBoxLayout(dialog)
        view = QPlainTextEdit(text)
        view.setReadOnly(True)
        view.setFont(QGuiApplication.font())
        view.document().setDefaultFont(_monospace())
        layout.addWidget(view)
        dialog.resize(760, 600)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def on_delete(self) -> None:
        """Delete the selected posts after asking."""
        posts = self.selected_posts()
        if not posts:
            return
        what = f"“{posts[0].title}”" if len(posts) == 1 else f"{len(posts)} posts"
        answer = QMessageBox.question(
            self, "Delete Posts", f"Delete {what} from the library? Importing the file again brings it back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.worker.delete([p.id for p in posts])

    def on_deleted(self, post_ids: list[int]) -> None:
        """Posts are gone: reload the list and the counts."""
        if self._post_id in post_ids:
            self._show_nothing()
        self.on_refresh()

    def _show_nothing(self) -> None:
        """The selected post left the list: an empty reader, not a stale post."""
        self._post_id = None
        self._current_row = None
        self.reader.show_post("", False)
        self.reader_pane.images_bar.offer(0, "")

    def on_focus_search(self) -> None:
        """Put the cursor in the search field."""
        self.search.setFocus()
        self.search.selectAll()

    def on_show_library_folder(self) -> None:
        """Open the folder holding the library in the file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.library_path)))

    def on_about(self) -> None:
        """Version and library location."""
        QMessageBox.about(self, "About Article Browser",
                          f"<h3>Article Browser {__version__}</h3><p>Read WordPress articles offline.</p>"
                          f"<p>Library: <code>{self.library_path}</code></p>")

    def on_worker_failed(self, details: str) -> None:
        """A bug, not bad input: say so without a traceback in the user's face; the log has it."""
        self.status.setText("Something went wrong; the library is unchanged. Details are in the log.")
        log.error("%s", details)

    # -- importing -----------------------------------------------------------------------------------------
    def import_paths(self, paths: list[Path]) -> None:
        """Import files and folders in the background (after any import already running)."""
        if paths:
            self.settings.setValue("import/folder", str(paths[0].parent if paths[0].is_file() else paths[0]))
            self.imports.add(paths)
            if self.imports.waiting:
                self.status.setText(f"Queued {len(paths)} item{'s' if len(paths) != 1 else ''} to import next")

    def on_files_from_another_launch(self, paths: list[Path]) -> None:
        """``article-browser FILE...`` ran while this window was open: import them, come to the front."""
        self.import_paths(paths)
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def on_import_files(self) -> None:
        """File ▸ Import Files…."""
        names, _ = QFileDialog.getOpenFileNames(self, "Import WordPress JSON", self._import_folder(),
                                                "WordPress JSON (*.json);;All files (*)")
        self.import_paths([Path(n) for n in names])

    def on_import_folder(self) -> None:
        """File ▸ Import Folder…."""
        name = QFileDialog.getExistingDirectory(self, "Import a Folder of WordPress JSON", self._import_folder())
        if name:
            self.import_paths([Path(name)])

    def _import_folder(self) -> str:
        return str(self.settings.value("import/folder", str(Path.home())))

    def on_import_busy(self, busy: bool) -> None:
        """Show or hide the progress widgets."""
        for widget in (self.progress_label, self.progress, self.cancel_button):
            widget.setVisible(busy)
        if busy:
            self.pages.setCurrentWidget(self.split)
            self.progress.setRange(0, 0)
            self.progress_label.setText("Importing…")

    def on_import_progress(self, event: Progress) -> None:
        """Files and posts so far."""
        self.progress.setRange(0, max(event.files_total, 1))
        self.progress.setValue(event.files_done)
        self.progress_label.setText(f"Importing {min(event.files_done + 1, event.files_total)} of "
                                    f"{event.files_total} files · {event.posts_done:,} posts")

    def on_import_finished(self, summary: Summary) -> None:
        """One line in the status bar; a report when anything failed or was skipped."""
        self.status.setText(summary.headline())
        log.info("%s", summary.headline())
        for result in summary.failed:
            log.warning("%s: %s", result.path, result.reason())
        self.on_refresh()
        if any(f.status in ("failed", "skipped", "cancelled") for f in summary.files):
            self.report = ImportReport(summary, self)
            self.report.show()

    # -- drag and drop -------------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        """Accept local files and folders, and say what a drop will do."""
        if _local_paths(event):
            event.acceptProposedAction()
            self.drop_hint.setGeometry(self.rect().adjusted(24, 24, -24, -24))
            self.drop_hint.raise_()
            self.drop_hint.show()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QEvent) -> None:  # noqa: N802
        """Keep accepting while the drag moves over the window."""
        event.acceptProposedAction()  # type: ignore[attr-defined]

    def dragLeaveEvent(self, event: QEvent) -> None:  # noqa: N802
        """Hide the drop hint."""
        self.drop_hint.hide()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Hand the dropped paths to the import queue; parsing happens elsewhere."""
        self.drop_hint.hide()
        paths = _local_paths(event)
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)


def _local_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def _string_list(value: object) -> list[str]:
    """A list setting as QSettings hands it back (a single string for one item, None for none)."""
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def _find(nodes: list[NavNode], key: str) -> NavNode | None:
    for node in nodes:
        found = node.find(key)
        if found is not None:
            return found
    return None


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def _monospace() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
