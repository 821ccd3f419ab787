"""The main window: layout, menus and the wiring between sidebar, post list, reader, worker and imports."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QIcon,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QMenu, QSplitter, QStackedWidget, QToolBar, QWidget

from desktop.core.importer import Summary
from desktop.core.library import PostRow
from desktop.logs import log
from desktop.paths import cache_dir, resource
from desktop.ui.browsing import Browsing
from desktop.ui.current_post import CurrentPost
from desktop.ui.dialogs import show_about
from desktop.ui.drop import DropTarget
from desktop.ui.export_dialog import ExportDialog, show_export_dialog
from desktop.ui.import_status import ImportStatus
from desktop.ui.importing import ImportQueue, choose_files, choose_folder
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.post_actions import PostActions
from desktop.ui.post_list import PostListModel
from desktop.ui.post_view import PostListView
from desktop.ui.reader import ImageLoader, ReaderPane
from desktop.ui.search_status import SearchStatus
from desktop.ui.settings import Layout, Settings
from desktop.ui.sidebar import SidebarModel, SidebarView
from desktop.ui.site_actions import SiteActions

SEARCH_DELAY_MS = 250
REFRESH_DELAY_MS = 400
STATUS_TIMEOUT_MS = 8000
EMPTY_TEXT = ("<h2>Your library is empty</h2><p>Drop WordPress JSON or XML files or folders here,<br/>"
              "or choose <b>File ▸ Import Files…</b> or <b>Import Folder…</b></p>"
              "<p>To copy a live WordPress site, choose <b>File ▸ Add Site…</b> or drop a link to it here.</p>"
              "<p style='color: gray'>Article Browser reads what <code>/wp-json/wp/v2/posts</code> returns "
              "(with or without <code>_embed</code>), category, tag, user and media lists, and WordPress "
              "export files.</p>")
_Keys = QKeySequence | QKeySequence.StandardKey | str


class MainWindow(QMainWindow):
    """Sidebar, post list and reader in splitters; imports by drop, menu or command line."""

    def __init__(self, library_path: Path, worker: LibraryWorker, store: QSettings,
                 images: ImageLoader | None = None) -> None:
        super().__init__()
        self.library_path = library_path
        self.settings = store
        self.prefs = Settings(store)
        self.worker = worker
        self.images = images or ImageLoader(str(cache_dir()), self)
        self.imports = ImportQueue(library_path, self)
        self.setWindowTitle("Article Browser")
        self.setWindowIcon(QIcon(str(resource("icons/article-browser.svg"))))
        self._build_widgets()
        self._restore()
        self.current = CurrentPost(worker, self.reader_pane, self.prefs, self)
        self.post_actions = PostActions(worker, self.post_list, self.current, self.say, self)
        self.browsing = Browsing(worker, self.sidebar, self.search, self.post_list, self.search_status,
                                 self.prefs.node, self)
        self.sites = SiteActions(library_path, worker, self, self.say)
        self.sites.watch(self.sidebar, self.drop)
        self.statusBar().addPermanentWidget(self.sites.status)
        self.export_dialog: ExportDialog | None = None
        self._build_actions()
        self._connect()
        worker.fetch_navigation()

    # -- construction --------------------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.sidebar_model = SidebarModel(self)
        self.sidebar = SidebarView(self.sidebar_model)
        self.posts = PostListModel(self.worker, self)
        self.post_list = PostListView(self.posts, self.prefs)
        self.reader_pane = ReaderPane(self.images)
        self.reader = self.reader_pane.reader
        self.reader.setAccessibleName("Reader")

        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.post_list)
        self.right.addWidget(self.reader_pane)
        self.right.setChildrenCollapsible(False)
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
        self.search.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        toolbar = QToolBar("Search")
        toolbar.setObjectName("search-toolbar")
        toolbar.setMovable(False)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred)
        toolbar.addWidget(spacer)
        self.search_status = SearchStatus()
        self.search_status.setFixedHeight(self.search.sizeHint().height())  # the toolbar must not grow: all moves
        toolbar.addWidget(self.search_status)
        toolbar.addWidget(self.search)
        self.addToolBar(toolbar)
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)

        self.import_status = ImportStatus()
        self.statusBar().addPermanentWidget(self.import_status)
        self.drop = DropTarget(self)

    def _action(self, menu: QMenu, text: str, slot: object, *keys: _Keys) -> QAction:
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
        self._action(file_menu, "Import &Files…", lambda: self.import_paths(choose_files(self, self.prefs)),
                     QKeySequence.StandardKey.Open)
        self._action(file_menu, "Import F&older…", lambda: self.import_paths(choose_folder(self, self.prefs)),
                     "Ctrl+Shift+O")
        file_menu.addSeparator()
        for action in (self.sites.add_action, self.sites.update_all_action):
            file_menu.addAction(action)
            self.addAction(action)
        file_menu.addSeparator()
        self._action(file_menu, "&Export…", self.on_export, "Ctrl+E")
        self._action(file_menu, "Last Import &Report", self.import_status.show_report)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.post_actions.undo_action)
        self.addAction(self.post_actions.undo_action)
        edit_menu.addSeparator()
        self._action(edit_menu, "&Search", self.on_focus_search, "Ctrl+L", "/")
        self.save_search_action = self._action(edit_menu, "Sa&ve Search…", self.browsing.on_save_search,
                                               "Ctrl+Shift+S")
        self._action(edit_menu, "Copy &Link", self.post_actions.on_copy_link, "Ctrl+Shift+C")

        actions = self.post_actions
        post_menu = bar.addMenu("&Post")
        self._action(post_menu, "&Next Post", lambda: self.post_list.step(1), "J")
        self._action(post_menu, "&Previous Post", lambda: self.post_list.step(-1), "K")
        self._action(post_menu, "Next &Unread", actions.on_next_unread, "N")
        self._action(post_menu, "&Read On (Next Page, Then Next Unread)", self.on_read_on, "Space")
        post_menu.addSeparator()
        self._action(post_menu, "&Star / Unstar", actions.on_toggle_star, "S")
        self._action(post_menu, "Mark &Unread / Read", actions.on_toggle_read, "U")
        self._action(post_menu, "Mark &All as Read", actions.on_mark_all_read, "Ctrl+Shift+A")
        self._action(post_menu, "&Open Original in Browser", actions.on_open_original, "Ctrl+Return")
        self._action(post_menu, "Show Ra&w Source", actions.on_show_raw, "Ctrl+U")
        post_menu.addSeparator()
        self._action(post_menu, "&Delete…", actions.on_delete, QKeySequence.StandardKey.Delete)
        self.post_menu = post_menu
        self._build_view_menu(bar.addMenu("&View"))

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "Show Library &Folder", self.on_show_library_folder)
        self._action(help_menu, "&About Article Browser", lambda: show_about(self.library_path, self))
        for action in post_menu.actions():
            action.setShortcutVisibleInContextMenu(True)

    def _build_view_menu(self, view_menu: QMenu) -> None:
        layout_menu = view_menu.addMenu("&Layout")
        group = QActionGroup(self)
        self.layout_actions: dict[Layout, QAction] = {}
        for layout, text in ((Layout.BELOW, "Reader &Below List"), (Layout.BESIDE, "Reader &Beside List")):
            action = self._action(layout_menu, text, lambda _=False, chosen=layout: self.set_layout(chosen))
            action.setCheckable(True)
            action.setChecked(layout == self.prefs.layout)
            group.addAction(action)
            self.layout_actions[layout] = action
        self.columns_menu = view_menu.addMenu("&Columns")
        self.columns_menu.aboutToShow.connect(self.on_columns_menu)
        view_menu.addSeparator()
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

    def _connect(self) -> None:
        self.worker.navigation_ready.connect(self.on_navigation_ready)
        self.reader.term_clicked.connect(lambda term_id: self.browsing.select(f"term:{term_id}"))
        self.reader.link_hovered.connect(lambda url: self.statusBar().showMessage(url) if url
                                         else self.statusBar().clearMessage())
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _: self.reader.apply_palette())
        self.worker.deleted.connect(self.on_refresh)  # methods, not lambdas: they run on the GUI thread
        self.worker.state_changed.connect(lambda *_: self.worker.fetch_counts())
        self.worker.counts_ready.connect(self.sidebar_model.set_counts)
        self.worker.failed.connect(self.on_worker_failed)
        self.post_list.selectionModel().selectionChanged.connect(self.on_post_selection_changed)
        self.post_list.customContextMenuRequested.connect(
            lambda pos: self.post_menu.exec(self.post_list.viewport().mapToGlobal(pos)))
        self.posts.modelReset.connect(self._restore_post_selection)
        self.search.textChanged.connect(lambda _: self.search_timer.start())
        self.search.customContextMenuRequested.connect(self.on_search_menu)
        self.search_timer.timeout.connect(self.on_search)
        self.refresh_timer.timeout.connect(self.on_refresh)
        self.imports.progress.connect(self.import_status.on_progress)
        self.imports.file_done.connect(self.refresh_timer.start)
        self.imports.finished.connect(self.on_import_finished)
        self.imports.failed.connect(self.on_worker_failed)
        self.imports.busy_changed.connect(self.on_import_busy)
        self.import_status.cancel.connect(self.imports.cancel)
        self.drop.dropped.connect(self.import_paths)
        self.sites.stored.connect(self.refresh_timer.start)
        self.sites.busy_changed.connect(self.on_import_busy_or_sync)
        self.sites.busy_changed.connect(self.imports.set_held)  # one writer at a time: imports and syncs take turns
        self.imports.busy_changed.connect(self.sites.hold)
        self.search.installEventFilter(self)

    # -- settings and layout -------------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.prefs.state(Settings.GEOMETRY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 780)
        state = self.prefs.state(Settings.SIDEBAR_SPLIT)
        if state is not None:
            self.split.restoreState(state)
        header = self.prefs.state(Settings.COLUMNS)
        if header is not None:
            self.post_list.horizontalHeader().restoreState(header)
        self.post_list.apply_chosen_columns()
        self._apply_layout(self.prefs.layout)

    def _list_split_key(self, layout: Layout) -> str:
        return Settings.LIST_SPLIT + ("/beside" if layout == Layout.BESIDE else "")

    def _apply_layout(self, layout: Layout) -> None:
        beside = layout == Layout.BESIDE
        self.right.setOrientation(Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical)
        state = self.prefs.state(self._list_split_key(layout))
        if state is None or not self.right.restoreState(state):
            self.right.setSizes([620, 520] if beside else [300, 460])
        self.right.setOrientation(Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical)

    def set_layout(self, layout: Layout) -> None:
        """View ▸ Layout: the reader below the list or beside it (three columns); remembered."""
        if layout == self.prefs.layout:
            return
        self.prefs.set_state(self._list_split_key(self.prefs.layout), self.right.saveState())
        self.prefs.layout = layout
        self.layout_actions[layout].setChecked(True)
        self._apply_layout(layout)

    def save_settings(self) -> None:
        """Remember the window, the layout, the selected entry and post."""
        self.prefs.set_state(Settings.GEOMETRY, self.saveGeometry())
        self.prefs.set_state(Settings.SIDEBAR_SPLIT, self.split.saveState())
        self.prefs.set_state(self._list_split_key(self.prefs.layout), self.right.saveState())
        self.prefs.set_state(Settings.COLUMNS, self.post_list.horizontalHeader().saveState())
        self.prefs.node = self.browsing.node_key
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
        if self.sites.busy:
            self.sites.cancel()
            self.sites.wait()
        event.accept()

    def say(self, text: str) -> None:
        """A passing message in the status bar (it goes after a few seconds)."""
        self.statusBar().showMessage(text, STATUS_TIMEOUT_MS)

    # -- the list ------------------------------------------------------------------------------------------
    def on_navigation_ready(self, nodes: list[object]) -> None:
        """The sidebar arrived: the empty state when the library holds nothing."""
        total = self.sidebar_model.node(self.sidebar_model.index_of("all"))
        empty = total is None or not total.count
        busy = self.imports.busy or self.sites.busy
        self.pages.setCurrentWidget(self.empty if empty and not busy else self.split)

    def on_search(self) -> None:
        """The search text settled: filter the list by it."""
        self.browsing.on_search()

    def on_search_menu(self, pos: QPoint) -> None:
        """The search field's context menu, with Save Search."""
        menu = self.search.createStandardContextMenu()
        menu.addSeparator()
        menu.addAction(self.save_search_action)
        menu.exec(self.search.mapToGlobal(pos))
        menu.deleteLater()

    def on_columns_menu(self) -> None:
        """View ▸ Columns: the same check boxes as the header's context menu."""
        self.columns_menu.clear()
        for action in self.post_list.column_actions():
            self.columns_menu.addAction(action)

    def on_refresh(self, *_: object) -> None:
        """Files were imported or posts deleted: reload the list (keeping the selection) and the sidebar."""
        self.posts.reload()
        self.worker.fetch_navigation()

    # -- the selected post ---------------------------------------------------------------------------------
    def selected_posts(self) -> list[PostRow]:
        """The posts selected in the list, in list order."""
        return self.post_actions.selected()

    def on_post_selection_changed(self, *_: object) -> None:
        """Show the current post and mark it read."""
        selected = self.selected_posts()
        if len(selected) == 1:
            self.current.show(selected[0])

    def _restore_post_selection(self) -> None:
        if self.current.post_id is None:
            return
        number = self.posts.row_for(self.current.post_id)
        if number is not None:
            self.post_list.select_row(number)
        # Otherwise the post is further down a re-sorted list, or outside the new one: the reader keeps it, as a
        # mail client keeps the open message, rather than going blank under the reader's eyes (deleting a
        # post chooses the next one itself).

    def on_read_on(self) -> None:
        """Space: the next screen of the post, or the next unread post at its end."""
        if self.reader.at_end():
            self.post_actions.on_next_unread()
        else:
            self.reader.page_down()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """In the search field, Escape clears it and goes back to the list; Enter or Down go into the results."""
        if not (watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)):
            return False
        if event.key() == Qt.Key.Key_Escape:
            self.search.clear()
            self.post_list.setFocus()
            return True
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
            if self.search_timer.isActive():  # typed and pressed at once: search now, then go in
                self.search_timer.stop()
                self.on_search()
            self.browsing.enter_results()
            return True
        return False

    # -- other actions -------------------------------------------------------------------------------------
    def on_clear_image_cache(self) -> None:
        """Forget every downloaded image."""
        self.images.clear()
        self.say("Image cache cleared")

    def on_focus_search(self) -> None:
        """Put the cursor in the search field."""
        self.search.setFocus()
        self.search.selectAll()

    def on_export(self) -> None:
        """File ▸ Export…: the selected posts, the current list or a saved search."""
        ids = [row.id for row in self.selected_posts()]
        settings_file = self.settings.fileName()
        self.export_dialog = show_export_dialog(self, self.library_path, ids, self.browsing.current_filter(),
                                                Path(settings_file) if settings_file else None,
                                                Path(self.images.cache.cacheDirectory()))

    def on_show_library_folder(self) -> None:
        """Open the folder holding the library in the file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.library_path)))

    def on_worker_failed(self, details: str) -> None:
        """A bug, not bad input: say so without a traceback in the user's face; the log has it."""
        self.say("Something went wrong. Details are in the log.")
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

    def on_import_busy(self, busy: bool) -> None:
        """Show or hide the progress widgets."""
        self.import_status.set_busy(busy)
        self.on_import_busy_or_sync(busy)

    def on_import_busy_or_sync(self, busy: bool) -> None:
        """Posts are on their way: the list, not the empty library's welcome."""
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
