"""What the Post menu does: star, read, open, copy, show the source, delete; Next Unread; Mark All as Read."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop.core.library import PostRow
from desktop.ui.current_post import CurrentPost
from desktop.ui.dialogs import RawDialog, confirm_delete
from desktop.ui.library_worker import LibraryWorker
from desktop.ui.post_view import PostListView


class PostActions(QObject):
    """Acts on the posts selected in ``view`` through the worker; ``say`` puts a line in the status bar."""

    def __init__(self, worker: LibraryWorker, view: PostListView, current: CurrentPost,
                 say: Callable[[str], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._worker = worker
        self._view = view
        self._current = current
        self._say = say
        self._parent = parent
        self._undo_ids: list[int] = []
        self._seeking_unread = False
        self.undo_action = QAction("&Undo Mark All as Read", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        self.undo_action.triggered.connect(self.on_undo)
        worker.raw_ready.connect(self.on_raw_ready)
        worker.deleted.connect(self.on_deleted)
        worker.marked_read.connect(self.on_marked_read)
        view.posts.loaded.connect(self.on_page_loaded)

    def selected(self) -> list[PostRow]:
        """The posts selected in the list, in list order."""
        rows = sorted({i.row() for i in self._view.selectionModel().selectedRows()})
        return [p for p in (self._view.posts.post(r) for r in rows) if p is not None]

    def on_toggle_star(self) -> None:
        """Star the selected posts, or unstar them if all are starred."""
        posts = self.selected()
        if posts:
            self._worker.set_state([p.id for p in posts], "starred", not all(p.starred for p in posts))

    def on_toggle_read(self) -> None:
        """Mark the selected posts unread, or read if all are unread."""
        posts = self.selected()
        if posts:
            self._worker.set_state([p.id for p in posts], "read", all(not p.read for p in posts))

    def on_open_original(self) -> None:
        """Open the selected posts' pages in the system browser (ten at most)."""
        for post in self.selected()[:10]:
            if post.link:
                QDesktopServices.openUrl(QUrl(post.link))

    def on_copy_link(self) -> None:
        """Copy the selected posts' links."""
        links = [p.link for p in self.selected() if p.link]
        if links:
            QGuiApplication.clipboard().setText("\n".join(links))
            self._say("Link copied" if len(links) == 1 else f"{len(links)} links copied")

    def on_show_raw(self) -> None:
        """Ask for the selected post's source as imported."""
        posts = self.selected()
        if posts:
            self._worker.fetch_raw(posts[0].id)

    def on_raw_ready(self, post_id: int, text: str) -> None:
        """Show a post's source in a window of its own."""
        RawDialog(post_id, text, self._parent).show()

    def on_delete(self) -> None:
        """Delete the selected posts after asking; the post after them is shown next."""
        posts = self.selected()
        if not posts or not confirm_delete([p.title for p in posts], self._parent):
            return
        rows = sorted(i.row() for i in self._view.selectionModel().selectedRows())
        model = self._view.posts
        following = model.next_post(rows[-1], 1)
        if following is None:
            following = model.next_post(rows[0], -1)
        after = model.post(following) if following is not None else None
        if after is None:
            self._current.clear()
        else:
            self._current.post_id = after.id  # selected, and so shown, once the list has reloaded
        self._worker.delete([p.id for p in posts])

    def on_deleted(self, post_ids: list[int]) -> None:
        """Posts are gone: the reader forgets them (the window reloads the list)."""
        if self._current.post_id in post_ids:
            self._current.clear()

    # -- the whole list ------------------------------------------------------------------------------------
    def on_next_unread(self) -> None:
        """Select the next unread post, across date groups and pages; say so when there is none."""
        if self._view.step(1, unread=True):
            self._seeking_unread = False
        elif self._view.posts.loading:
            self._seeking_unread = True  # a page is on its way: look again when it arrives
        else:
            self._seeking_unread = False
            self._say("No more unread posts in this list")

    def on_page_loaded(self, _posts: int) -> None:
        """A page arrived while looking for an unread post: keep looking."""
        if self._seeking_unread:
            self.on_next_unread()

    def on_mark_all_read(self) -> None:
        """Mark every post of the current list (sidebar entry and search) read."""
        self._worker.mark_all_read(self._view.posts.filter)

    def on_marked_read(self, post_ids: list[int]) -> None:
        """Remember what Mark All as Read changed, for Undo."""
        self._undo_ids = post_ids
        self.undo_action.setEnabled(bool(post_ids))
        count = len(post_ids)
        self._say(f"Marked {count:,} post{'s' if count != 1 else ''} as read. Edit ▸ Undo brings them back."
                  if count else "Every post in this list was read already")

    def on_undo(self) -> None:
        """Mark unread again the posts the last Mark All as Read changed."""
        if self._undo_ids:
            self._worker.set_state(self._undo_ids, "read", False)
            self._say(f"{len(self._undo_ids):,} posts unread again")
        self._undo_ids = []
        self.undo_action.setEnabled(False)
