"""The window's live-site commands: Add Site…, a dropped link, Update (sidebar) and Update All Sites.

They hand addresses to ``SyncQueue`` (which syncs off the GUI thread) and show what happens: progress with
Cancel in the status bar, the report's headline when a site is done, and a plain-text message naming the
address when a site cannot be used.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QProgressBar, QPushButton, QSizePolicy, QWidget

from desktop.core.formats.site import Phase
from desktop.core.sites import AddedSite
from desktop.logs import log
from desktop.ui.add_site_dialog import AddSiteDialog, checked_address, show_add_site_dialog
from desktop.ui.drop import DropTarget
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.sidebar import SidebarView
from desktop.ui.site_sync import (
    ClientFactory,
    SiteOutcome,
    SiteStep,
    SyncBatch,
    SyncQueue,
    interruptible_client,
)
from desktop.ui.text import plain_label

UPDATE_ALL_KEYS = ("F5", "Ctrl+R")


def step_text(step: SiteStep) -> str:
    """``example.com: posts page 3/12``, or what the sync is doing between pages."""
    progress = step.progress
    if progress.phase is Phase.CONNECTING:
        return f"{step.host}: connecting…"
    if progress.phase is Phase.REMOVALS:
        return f"{step.host}: looking for posts removed from the site…"
    if progress.phase is Phase.CHANGES:
        return f"{step.host}: looking for changes in {progress.collection}…"
    if progress.page == 0:
        return f"{step.host}: {progress.collection}…"
    pages = f"/{progress.pages}" if progress.pages else ""
    return f"{step.host}: {progress.collection} page {progress.page}{pages}"


class SyncStatus(QWidget):
    """The sync's place in the status bar: what it is doing, a bar, and Cancel."""

    cancel = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = plain_label()  # hosts and collection names come from the site
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(140)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the sync; what it copied stays, and the next update resumes")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.label, self.bar, self.cancel_button):
            layout.addWidget(widget)
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        """Show the widget while a sync runs."""
        self.setVisible(busy)
        if busy:
            self.bar.setRange(0, 0)
            self.label.setText("Syncing…")

    def on_progress(self, step: SiteStep) -> None:
        """The collection and page at work."""
        self.label.setText(step_text(step))
        pages = step.progress.pages
        if pages and step.progress.phase in (Phase.NAMES, Phase.POSTS):
            self.bar.setRange(0, pages)
            self.bar.setValue(min(step.progress.page, pages))
        else:
            self.bar.setRange(0, 0)


class SiteActions(QObject):
    """Owns the sync queue, its status widget, the Add Site and Update All actions and their messages."""

    stored = Signal()  # posts landed: the list and sidebar may refresh
    busy_changed = Signal(bool)

    def __init__(self, library_path: Path, worker: LibraryWorker, window: QWidget, say: Callable[[str], None],
                 make_client: ClientFactory = interruptible_client) -> None:
        super().__init__(window)
        self._window = window
        self._worker = worker
        self._say = say
        self.hosts: set[str] = set()  # sites added by address
        self.queue = SyncQueue(library_path, self, make_client)
        self.status = SyncStatus()
        self.dialog: AddSiteDialog | None = None
        self.message: QMessageBox | None = None
        self.add_action = QAction("Add &Site…", self)
        self.add_action.triggered.connect(self.on_add_site)
        self.update_all_action = QAction("&Update All Sites", self)
        self.update_all_action.setShortcuts([QKeySequence(key) for key in UPDATE_ALL_KEYS])
        self.update_all_action.setEnabled(False)
        self.update_all_action.triggered.connect(self.on_update_all)
        self.queue.progress.connect(self.status.on_progress)
        self.queue.stored.connect(self.stored)
        self.queue.site_done.connect(self.on_site_done)
        self.queue.finished.connect(self.on_batch_finished)
        self.queue.failed.connect(self.on_failed)
        self.queue.busy_changed.connect(self.on_busy_changed)
        self.status.cancel.connect(self.queue.cancel)
        worker.added_sites_ready.connect(self.on_added_sites)
        worker.fetch_added_sites()

    @property
    def busy(self) -> bool:
        """Whether a sync is running."""
        return self.queue.busy

    def watch(self, sidebar: SidebarView, drop: DropTarget) -> None:
        """Take Update requests from the sidebar's sites and links dropped on the window."""
        sidebar.update_requested.connect(self.update_site)
        sidebar.updatable_hosts = self.hosts
        drop.addresses_dropped.connect(self.add_addresses)

    # -- requests ------------------------------------------------------------------------------------------
    def on_add_site(self) -> None:
        """File ▸ Add Site…: ask for an address, then sync it."""
        self.dialog = show_add_site_dialog(self._window)
        self.dialog.chosen.connect(lambda address: self.add_addresses([address]))

    def add_addresses(self, addresses: list[str]) -> None:
        """Copy the sites at ``addresses`` into the library (after any sync already running)."""
        addresses = [address for address in map(checked_address, addresses) if address is not None]
        if self.queue.add(addresses) and self.queue.waiting:
            self._say(f"Queued {', '.join(addresses)} to sync next")

    def update_site(self, host: str) -> None:
        """Update one site added by address (its sidebar entry's Update)."""
        if self.queue.add([host]) and self.queue.waiting:
            self._say(f"Queued {host} to sync next")

    def on_update_all(self) -> None:
        """Update every site added by address."""
        if self.queue.add(None) and self.queue.waiting:
            self._say("Queued an update of every site")

    def hold(self, held: bool) -> None:
        """Hold syncs while an import writes to the library (one writer at a time)."""
        self.queue.set_held(held)

    def cancel(self) -> None:
        """Stop the running sync between pages and forget the queued ones."""
        self.queue.cancel()

    def wait(self) -> None:
        """Block until the running sync ends (shutdown and tests)."""
        self.queue.wait()

    # -- what happened -------------------------------------------------------------------------------------
    def on_busy_changed(self, busy: bool) -> None:
        """Show or hide the progress widgets."""
        self.status.set_busy(busy)
        self.busy_changed.emit(busy)

    def on_added_sites(self, sites: list[AddedSite]) -> None:
        """The sites added by address: the sidebar offers Update for them, and Update All is possible."""
        self.hosts.clear()
        self.hosts.update(site.host for site in sites)
        self.update_all_action.setEnabled(bool(sites))

    def on_site_done(self, outcome: SiteOutcome) -> None:
        """A site is done: its headline in the status bar and the log; the list refreshes."""
        if outcome.report is not None:
            self._say(outcome.report.headline())
            log.info("%s", outcome.report.headline())
            for failure in outcome.report.failures:
                log.warning("%s: %s", failure.url, failure.reason)
        else:
            log.warning("sync %s: %s", outcome.address, outcome.error)
        self.stored.emit()

    def on_batch_finished(self, batch: SyncBatch) -> None:
        """Every site asked for is done: refresh what can be updated; explain sites that could not be used."""
        self._worker.fetch_added_sites()
        problems = [outcome for outcome in batch.outcomes if outcome.report is None
                    or outcome.report.failures or outcome.report.stopped]
        if problems:
            self._show_problems(problems)

    def on_failed(self, details: str) -> None:
        """A bug, not a bad site: say so without a traceback in the user's face; the log has it."""
        self._say("Something went wrong while syncing. Details are in the log.")
        log.error("%s", details)
        self.stored.emit()

    def _show_problems(self, problems: list[SiteOutcome]) -> None:
        lines: list[str] = []
        details: list[str] = []
        for outcome in problems:
            if outcome.report is None:
                lines.append(f"{outcome.address} could not be synced: {outcome.error}")
                continue
            lines.append(outcome.report.headline())
            details.extend(f"{failure.url}: {failure.reason}" for failure in outcome.report.failures)
        if self.message is not None:
            self.message.close()
        box = QMessageBox(QMessageBox.Icon.Warning, "Sync", "\n\n".join(lines), QMessageBox.StandardButton.Ok,
                          self._window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # addresses and reasons come from outside
        if all(outcome.report is None for outcome in problems):
            box.setInformativeText("Nothing was added to the library.")
        if details:
            box.setDetailedText("\n".join(details))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(self._forget_message)
        box.open()
        self.message = box

    def _forget_message(self) -> None:
        self.message = None
