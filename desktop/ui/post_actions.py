"""What the Post menu does to the selected posts: star, read, open, copy, show the source, delete."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
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
        worker.raw_ready.connect(self.on_raw_ready)
        worker.deleted.connect(self.on_deleted)

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
        """Delete the selected posts after asking."""
        posts = self.selected()
        if posts and confirm_delete([p.title for p in posts], self._parent):
            self._worker.delete([p.id for p in posts])

    def on_deleted(self, post_ids: list[int]) -> None:
        """Posts are gone: the reader forgets them (the window reloads the list)."""
        if self._current.post_id in post_ids:
            self._current.clear()
