"""File ▸ Export… suggests a title after what is exported, follows the choice, and keeps a title the user typed."""

from desktop.core.library import Library, PostFilter
from desktop.ui.export_dialog import FORMATS, ExportDialog
from tests.ui.test_export import _library


def test_the_title_follows_what_is_exported_until_the_user_types_one(qtbot, tmp_path):
    library = _library(tmp_path)
    with Library.open(library, create=False) as lib:
        harbours = next(t for t in lib.terms("category") if t.name == "Harbours")
        lib.save_search("Harbour reading", PostFilter(search="harbours"))
    dialog = ExportDialog(library, [], PostFilter(term_ids=(harbours.id,)), settings_path=None, cache_folder=None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.sources_ready)  # read off the GUI thread
    assert dialog.title.text() == "Harbours"
    dialog.what.setCurrentIndex(1)
    assert dialog.title.text() == "Harbour reading"
    dialog.what.setCurrentIndex(0)
    assert dialog.title.text() == "Harbours"
    dialog.grab().save(str(tmp_path / "export-title.png"))

    dialog.format.setCurrentIndex([c.label for c in FORMATS].index("HTML, one file"))
    dialog.destination.setText(str(tmp_path / "harbours.html"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20_000)
    assert "<title>Harbours</title>" in (tmp_path / "harbours.html").read_text(encoding="utf-8")


def test_a_title_the_user_typed_wins(qtbot, tmp_path):
    library = _library(tmp_path)
    dialog = ExportDialog(library, [], PostFilter(search="tide tables"), settings_path=None, cache_folder=None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.sources_ready)  # read off the GUI thread
    assert dialog.title.text() == "Search: tide tables"
    dialog.title.setText("For the boat")
    dialog.format.setCurrentIndex([c.label for c in FORMATS].index("HTML, one file"))
    dialog.destination.setText(str(tmp_path / "boat.html"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20_000)
    assert "<title>For the boat</title>" in (tmp_path / "boat.html").read_text(encoding="utf-8")
