"""The owner's unpublished posts, dropped as a WordPress export, say what they are in the list and the reader."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from desktop.ui.post_list import COL_DATE, COL_TITLE
from desktop.ui.text import tooltip
from tests.core.test_post_status import HEAD, _item
from tests.ui.conftest import drop, wait_for_import


def test_drafts_and_scheduled_posts_are_marked(qtbot, qtmodeltester, opened, tmp_path):
    export = tmp_path / "export.xml"
    items = _item(1, "publish", sticky=True) + _item(2, "draft") + _item(3, "future") + _item(4, "pending")
    export.write_text(HEAD + items + "</channel></rss>\n", encoding="utf-8")
    window = opened.window()
    drop(window, [export])
    wait_for_import(qtbot, window)
    qtmodeltester.check(window.posts)
    model = window.posts
    rows = {model.post(r).status: r for r in range(model.rowCount())}
    assert set(rows) == {"publish", "draft", "future", "pending"}

    def shown(status, column=COL_TITLE, role=Qt.ItemDataRole.DisplayRole):
        return model.index(rows[status], column).data(role)

    assert shown("draft") == "[Draft] Post draft"
    assert shown("future") == "[Scheduled] Post future"
    assert shown("pending") == "[Pending review] Post pending"
    assert shown("publish") == "⚑ Post publish"
    font = shown("draft", role=Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.italic()
    assert not shown("draft", COL_DATE, Qt.ItemDataRole.FontRole).italic()  # the title says it; once is enough
    assert not shown("publish", role=Qt.ItemDataRole.FontRole).italic()
    assert shown("draft", role=Qt.ItemDataRole.ToolTipRole) == tooltip("Post draft\nDraft")
    assert "Sticky" in shown("publish", role=Qt.ItemDataRole.ToolTipRole)

    window.post_list.selectRow(rows["draft"])
    qtbot.waitUntil(lambda: "Text of the draft post." in window.reader.toPlainText())
    assert window.reader.toPlainText().splitlines()[1].startswith("Draft · By owner")
    window.post_list.selectRow(rows["publish"])
    qtbot.waitUntil(lambda: "Text of the publish post." in window.reader.toPlainText())
    assert window.reader.toPlainText().splitlines()[1].startswith("By owner")
