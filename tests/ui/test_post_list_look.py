"""How the post list looks: date-group labels are headers (never selected), the sort arrow follows the order,
and the title column takes the width when the reader sits beside the list."""

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette

from desktop.ui.post_list import COL_AUTHOR, COL_CATEGORIES, COL_DATE, COL_TITLE, GROUP_ROLE
from desktop.ui.settings import Layout
from tests.conftest import post, write_json
from tests.ui.conftest import wait_for_import


def stamp(days_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S")


def _colour(image: QImage, x: int, y: int) -> QColor:
    return image.pixelColor(int(x * image.devicePixelRatio()), int(y * image.devicePixelRatio()))


def test_a_group_label_is_a_header_not_part_of_the_selected_post(qtbot, opened, tmp_path):
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [post(i, date_gmt=stamp(40 * i)) for i in range(1, 5)])])
    wait_for_import(qtbot, window)
    view = window.post_list
    second_group = next(r for r in range(1, window.posts.rowCount()) if window.posts.index(r, 0).data(GROUP_ROLE))
    view.select_row(second_group)
    qtbot.waitUntil(lambda: view.selectionModel().isRowSelected(second_group))
    rect = view.visualRect(window.posts.index(second_group, COL_TITLE))
    band = view.itemDelegate().band_height()
    assert rect.height() >= band + view.verticalHeader().defaultSectionSize() - 1  # still one row: a post
    shot = view.viewport().grab().toImage()
    window.grab().save(str(tmp_path / "groups.png"))
    x = rect.right() - 4
    palette = view.palette()
    highlights = {palette.color(group, QPalette.ColorRole.Highlight).name()
                  for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)}
    assert _colour(shot, x, rect.bottom() - 3).name() in highlights  # the post part is selected
    header = _colour(shot, x, rect.top() + band // 2).name()
    assert header not in highlights
    assert header == palette.color(QPalette.ColorRole.Window).name()
    unselected = view.visualRect(window.posts.index(0, COL_TITLE))  # the first group's band, its post not selected
    assert _colour(shot, x, unselected.top() + band // 2).name() == header


def _arrow_rows(header) -> list[int]:
    """How many dark pixels of the sort arrow (at the right end of the Date section) each pixel row holds."""
    shown = header.grab().toImage()
    ratio = shown.devicePixelRatio()
    end = header.sectionViewportPosition(COL_DATE) + header.sectionSize(COL_DATE)
    columns = range(int((end - 13) * ratio), int((end - 2) * ratio))
    text = header.palette().color(QPalette.ColorRole.ButtonText).lightness()
    background = header.palette().color(QPalette.ColorRole.Button).lightness()
    rows = []
    for y in range(2, shown.height() - 3):  # inside the section's frame
        count = sum(abs(shown.pixelColor(x, y).lightness() - text) < abs(shown.pixelColor(x, y).lightness()
                                                                            - background) for x in columns)
        if count:
            rows.append(count)
    return rows


def test_the_date_arrow_points_down_while_newest_come_first(qtbot, opened, tmp_path):
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [post(i, date_gmt=stamp(i)) for i in range(1, 4)])])
    wait_for_import(qtbot, window)
    header = window.post_list.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_DATE, Qt.SortOrder.DescendingOrder)
    assert window.posts.post(0).wp_id == 1  # newest first
    rows = _arrow_rows(header)
    assert len(rows) >= 2 and rows[0] > rows[-1]  # wide at the top: ▼

    header.setSortIndicator(COL_DATE, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not window.posts.loading and window.posts.post(0).wp_id == 3)  # oldest first
    rows = _arrow_rows(header)
    assert len(rows) >= 2 and rows[0] < rows[-1]  # ▲


def _wordy(wp_id: int) -> dict:
    return post(wp_id, categories=[7, 8], title={"rendered": f"A title that is long enough to want the room {wp_id}"},
                _embedded={"author": [{"id": 1, "name": "Morwenna Pascoe-Trelawney of the Western Harbours",
                                       "slug": "m"}],
                           "wp:term": [[{"id": 7, "name": "Harbours and Estuaries", "slug": "h",
                                         "taxonomy": "category"},
                                        {"id": 8, "name": "Uncategorized Things", "slug": "u",
                                         "taxonomy": "category"}]]})


def test_the_title_takes_the_width_when_the_reader_is_beside_the_list(qtbot, opened, tmp_path):
    window = opened.window((1300, 800))
    window.import_paths([write_json(tmp_path / "p.json", [_wordy(i) for i in range(1, 6)])])
    wait_for_import(qtbot, window)
    view, header = window.post_list, window.post_list.horizontalHeader()
    qtbot.waitUntil(lambda: not view.isColumnHidden(COL_AUTHOR) and not view.isColumnHidden(COL_CATEGORIES))
    window.layout_actions[Layout.BESIDE].trigger()
    window.right.setSizes([500, 800])
    qtbot.waitUntil(lambda: view.viewport().width() < 560)
    qtbot.wait(50)
    window.grab().save(str(tmp_path / "beside.png"))
    width = view.viewport().width()
    title = header.sectionSize(COL_TITLE)
    assert title >= 0.4 * width
    assert all(title > header.sectionSize(c) for c in (COL_DATE, COL_CATEGORIES, COL_AUTHOR))
    assert sum(header.sectionSize(c) for c in range(4)) <= width + 1  # no sideways scrolling

    window.layout_actions[Layout.BELOW].trigger()  # wide again: the others get their contents' width back
    qtbot.waitUntil(lambda: view.viewport().width() > 900)
    assert header.sectionSize(COL_AUTHOR) >= view.sizeHintForColumn(COL_AUTHOR) or \
        header.sectionSize(COL_AUTHOR) >= 0.16 * view.viewport().width() - 1
    assert header.sectionSize(COL_TITLE) >= 0.4 * view.viewport().width()


def test_only_rows_that_begin_a_group_are_taller(qtbot, opened, tmp_path):
    window = opened.window()
    window.import_paths([write_json(tmp_path / "p.json", [
        post(i, date_gmt=stamp(20 * i), title={"rendered": f"Harbour note {i}"}) for i in range(1, 9)])])
    wait_for_import(qtbot, window)
    view, posts = window.post_list, window.posts

    def tall_rows() -> list[int]:
        default = view.verticalHeader().defaultSectionSize()
        return [r for r in range(posts.rowCount()) if view.rowHeight(r) > default]

    def group_starts() -> list[int]:
        return [r for r in range(posts.rowCount()) if posts.index(r, 0).data(GROUP_ROLE)]

    assert len(group_starts()) > 2 and tall_rows() == group_starts()
    window.search.setText("harbour")  # ranked by relevance: no date groups, so no row keeps a label's room
    qtbot.waitUntil(lambda: not posts.loading and posts.listed_order == "relevance", timeout=5000)
    assert group_starts() == [] and tall_rows() == []
    window.search.clear()
    qtbot.waitUntil(lambda: not posts.loading and posts.grouped, timeout=5000)
    assert tall_rows() == group_starts() != []
