"""Beside the search field: how many posts the list holds and, while searching, the order of the results."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget

from desktop.ui.text import plain_label

# the library's order → what the sort button says
ORDER_LABELS = {
    "relevance": "Relevance",
    "newest": "Newest first",
    "oldest": "Oldest first",
    "title": "Title A–Z",
    "title_desc": "Title Z–A",
}
TOO_MANY = "Newest first — too many matches to rank"


def count_text(total: int, searching: bool) -> str:
    """The count as said beside the search field: "1,234 results" while searching, "1,234 posts" otherwise."""
    noun = ("result" if searching else "post") + ("" if total == 1 else "s")
    return f"{total:,} {noun}"


class SearchStatus(QWidget):
    """The number of posts listed, and a sort button shown while searching: Relevance or Newest First.

    The button names the order the results are listed in; its menu offers the two orders a search can ask for.
    """

    order_chosen = Signal(object)  # None (relevance, the default while searching) or "newest"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count = plain_label("")
        self.count.setAccessibleName("Number of posts listed")
        self.count.setStyleSheet("color: palette(placeholder-text);")
        self.sort = QToolButton()
        self.sort.setAccessibleName("Order of the results")
        self.sort.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.sort.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # the style's menu arrow hid the end of the text: the text carries its own
        self.sort.setStyleSheet("QToolButton { padding: 0px 6px; } "
                                "QToolButton::menu-indicator { image: none; width: 0px; }")
        menu = QMenu(self.sort)
        choices = QActionGroup(menu)  # one order at a time: radio items, not check boxes
        choices.setExclusive(True)
        self.relevance_action = self._choice(menu, "&Relevance (best match first)", None)
        self.newest_action = self._choice(menu, "&Newest first", "newest")
        choices.addAction(self.relevance_action)
        choices.addAction(self.newest_action)
        self.sort.setMenu(menu)
        self.sort.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(8)
        layout.addWidget(self.count)
        layout.addWidget(self.sort)

    def _choice(self, menu: QMenu, text: str, order: str | None) -> QAction:
        action = menu.addAction(text)
        action.setCheckable(True)
        action.triggered.connect(lambda _=False: self.order_chosen.emit(order))
        return action

    def show_list(self, total: int, searching: bool, listed: str, asked: str | None) -> None:
        """The list holds ``total`` posts in ``listed`` order, after asking for ``asked`` (None: the default)."""
        self.count.setText(count_text(total, searching))
        self.sort.setVisible(searching)
        if not searching:
            return
        too_many = asked is None and listed != "relevance"
        self.sort.setText((TOO_MANY if too_many else ORDER_LABELS.get(listed, listed)) + " ▾")
        self.sort.setToolTip(
            "This search matches so many posts that its words say little about any one: they are listed newest "
            "first" if too_many else "The order of the results: click to choose relevance or newest first")
        self.relevance_action.setChecked(asked is None)
        self.newest_action.setChecked(asked == "newest")
