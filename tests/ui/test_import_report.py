"""The import report reads without sideways scrolling: files by name (full path in the tooltip), reasons wrapped."""

import json

from PySide6.QtWidgets import QApplication

from tests.conftest import post, write_json
from tests.ui.conftest import drop, wait_for_import


def test_the_report_names_files_and_wraps_reasons(qtbot, opened, tmp_path):
    deep = tmp_path.joinpath(*[f"a-rather-long-folder-name-{n}" for n in range(6)])
    deep.mkdir(parents=True)
    other = tmp_path / "elsewhere"
    other.mkdir()
    bad = deep / "page-3.json"
    bad.write_text("[" + json.dumps(post(1)) + ", {\"id\": 2 \"x\": 1}]", encoding="utf-8")
    good = write_json(deep / "posts.json", [post(5)])
    twin = write_json(other / "posts.json", [post(6)])
    window = opened.window()
    drop(window, [bad, good, twin])
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: window.import_status.report is not None and window.import_status.report.isVisible())
    report = window.import_status.report
    report.resize(520, 360)
    QApplication.processEvents()
    report.grab().save(str(tmp_path / "report.png"))
    tree = report.files
    cells = [[tree.item(row, column) for column in range(3)] for row in range(tree.rowCount())]
    assert [row[0].text() for row in cells] == ["Failed", "Imported", "Imported"]
    assert cells[0][1].text() == "page-3.json" and str(bad) in cells[0][1].toolTip()
    assert {cells[1][1].text(), cells[2][1].text()} == {"a-rather-long-folder-name-5/posts.json",
                                                        "elsewhere/posts.json"}
    assert cells[0][2].text().startswith("invalid JSON at line 1, column")
    assert str(bad) in report.text  # the copied text keeps the full paths

    header = tree.horizontalHeader()
    assert sum(header.sectionSize(c) for c in range(3)) <= tree.viewport().width() + 1
    assert not tree.horizontalScrollBar().isVisible()
    reason = tree.visualItemRect(cells[0][2])
    assert reason.height() > 1.5 * tree.fontMetrics().height()  # the long reason wraps onto more lines


def test_the_headline_never_claims_files_that_do_not_exist():
    from pathlib import Path

    from desktop.core.importer import FileResult, Summary
    from desktop.ui.dialogs import report_headline

    missing = FileResult(Path("gone.json"), error="no such file or folder")
    assert report_headline(Summary([missing])) == "1 file could not be imported. Nothing was added to the library."
    two = Summary([missing, FileResult(Path("a.json"), new=3), FileResult(Path("b.json"), new=1)])
    assert report_headline(two) == "1 file could not be imported. The other 2 files are in the library."


def test_a_second_import_joins_the_report_still_open(qtbot, opened, tmp_path):
    from tests.ui.conftest import wait_for_import

    window = opened.window()
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    window.import_paths([tmp_path / "broken.json"])
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: window.import_status.report is not None and window.import_status.report.isVisible())
    (tmp_path / "other.json").write_text("{", encoding="utf-8")
    window.import_paths([tmp_path / "other.json"])
    wait_for_import(qtbot, window)
    qtbot.waitUntil(lambda: len(window.import_status.summary.files) == 2)
    assert {f.path.name for f in window.import_status.summary.files} == {"broken.json", "other.json"}
