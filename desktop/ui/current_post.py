"""The post in the reader: asking the worker for it, whether its images load, zoom, and forgetting it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from desktop.core.library import PostRow
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.reader import ReaderPane
from desktop.ui.settings import Settings


class CurrentPost(QObject):
    """Shows one post at a time in the reader pane; answers for posts no longer selected are dropped."""

    def __init__(self, worker: LibraryWorker, pane: ReaderPane, settings: Settings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._pane = pane
        self._settings = settings
        self.post_id: int | None = settings.post
        self.row: PostRow | None = None
        self._images_once: int | None = None
        worker.post_ready.connect(self.on_post_ready)
        # The bar names the post's site, which is data: plain text, whatever reader.py's default becomes.
        pane.images_bar.label.setTextFormat(Qt.TextFormat.PlainText)
        pane.images_bar.load_once.connect(self.on_load_images_once)
        pane.images_bar.load_site.connect(self.on_load_images_for_site)
        self.apply_zoom()

    def show(self, post: PostRow) -> None:
        """Read ``post``: ask for it rendered, and mark it read."""
        self.post_id = post.id
        self._fetch(post)
        if not post.read:
            self._worker.set_state([post.id], "read", True)

    def _fetch(self, row: PostRow) -> None:
        self._worker.fetch_post(row.id, self.images_allowed(row), self._pane.reader.image_width())

    def on_post_ready(self, post_id: int, row: PostRow | None, html: str, held_back: int, shown: bool) -> None:
        """A rendered post arrived; show it if it is still the one selected."""
        if post_id != self.post_id:
            return
        self.row = row
        self._pane.reader.show_post(html, shown)
        self._pane.images_bar.offer(held_back, row.site if row else "")
        if self._pane.find_bar.isVisible():
            self._pane.find_bar.highlight()

    def clear(self) -> None:
        """The post left the list: an empty reader, not a stale post."""
        self.post_id = None
        self.row = None
        self._pane.reader.show_post("", False)
        self._pane.images_bar.offer(0, "")

    # -- images --------------------------------------------------------------------------------------------
    def images_allowed(self, row: PostRow) -> bool:
        """Whether ``row``'s images load: everywhere, this once, or for its site."""
        if self._settings.images_everywhere or self._images_once == row.id:
            return True
        return row.site in self._settings.image_sites

    def show_again(self) -> None:
        """Render the current post again, with images if they are now allowed for it."""
        if self.row is not None:
            self._fetch(self.row)

    def on_load_images_once(self) -> None:
        """Load this post's images (this time)."""
        if self.row is not None:
            self._images_once = self.row.id
            self.show_again()

    def on_load_images_for_site(self) -> None:
        """Load images for every post of this post's site, from now on."""
        if self.row is not None:
            sites = self._settings.image_sites
            if self.row.site not in sites:
                self._settings.image_sites = [*sites, self.row.site]
            self.show_again()

    def on_images_everywhere(self, checked: bool) -> None:
        """The setting that loads images for every post."""
        self._settings.images_everywhere = checked
        self.show_again()

    # -- zoom ----------------------------------------------------------------------------------------------
    def on_zoom(self, step: int) -> None:
        """Zoom the reader in or out a step (0 resets); remembered across runs."""
        self._settings.zoom = 0 if step == 0 else self._settings.zoom + step
        self.apply_zoom()

    def apply_zoom(self) -> None:
        """Set the reader's font size (and with it the text column) from the zoom setting."""
        self._pane.reader.set_zoom(self._settings.zoom)
