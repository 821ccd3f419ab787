"""Export with Qt: the PDF writer, the image cache it reads, and File ▸ Export… as a user drives it."""

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QDateTime, QIODevice, QSettings, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtNetwork import QNetworkCacheMetaData, QNetworkDiskCache
from PySide6.QtWidgets import QDialogButtonBox

from desktop.core.export import ExportResult, ImagePolicy, run_export, selected_entries
from desktop.core.importer import import_paths
from desktop.core.library import Library, PostFilter
from desktop.ui.export_dialog import FORMATS, ExportDialog
from desktop.ui.export_images import image_policy
from desktop.ui.export_pdf import PdfWriter
from tests.conftest import post, write_json

GOLDEN = Path(__file__).parents[1] / "core" / "golden" / "export"
IMAGE_URL = "https://tides.example.org/wp-content/uploads/harbour.png"


def _png(width: int = 40, height: int = 20) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def _library(folder: Path, others: int = 3) -> Path:
    with Library.open(folder / "lib") as lib:
        more = write_json(folder / "more.json", [post(n, "other.example", content={
            "rendered": f"<p>Body of post {n}. " + "Words to fill a page. " * (400 if n == 1 else 5) + "</p>",
            "protected": False}) for n in range(1, others + 1)])
        for _ in import_paths(lib, [GOLDEN / "post.json", more]):
            pass
    return folder / "lib"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian: poppler-utils)")
    return path


def _pdf(library_path: Path, output: Path, images: ImagePolicy | None = None) -> tuple[ExportResult, PdfWriter]:
    writer = PdfWriter("Tides")
    with Library.open(library_path, create=False) as lib:
        events = list(run_export(lib, selected_entries(lib), writer, output, images=images))
    return events[-1], writer


def test_pdf_has_each_post_on_new_pages_with_numbers_text_and_links(qapp, tmp_path):
    pdftotext, pdfinfo = _tool("pdftotext"), _tool("pdfinfo")
    result, writer = _pdf(_library(tmp_path), tmp_path / "t.pdf")
    assert result.ok and result.posts == 4
    info = dict(line.split(":", 1) for line in subprocess.run(
        [pdfinfo, str(tmp_path / "t.pdf")], capture_output=True, text=True).stdout.splitlines() if ":" in line)
    assert int(info["Pages"]) == writer.pages and info["Title"].strip() == "Tides"
    assert writer.pages > 4  # the long post runs over more than one page
    pages = subprocess.run([pdftotext, "-layout", str(tmp_path / "t.pdf"), "-"], capture_output=True,
                           text=True).stdout.split("\f")[:writer.pages]
    firsts = [page.strip().splitlines()[0].strip() for page in pages]
    titles = ["Tide tables & the code that reads them", "Post number 3", "Post number 2", "Post number 1"]
    assert [t for t in firsts if t in titles] == titles  # every post starts a page of its own, newest first
    assert all(page.strip().splitlines()[-1].strip() == str(n) for n, page in enumerate(pages, 1))
    tides = pages[firsts.index(titles[0])]
    for words in ("Mousehole", "convert_heights", "[image: Harbour at low tide]", "Low water at St Ives"):
        assert words in tides
    data = (tmp_path / "t.pdf").read_bytes()
    assert b"/URI (https://tides.example.org/st-ives/)" in data


def test_pdf_includes_cached_images_only(qapp, tmp_path):
    _tool("pdftotext")
    library = _library(tmp_path, others=0)
    result, _ = _pdf(library, tmp_path / "i.pdf", ImagePolicy(cached={IMAGE_URL: _png()}.get))
    assert result.images == 1 and b"/Subtype /Image" in (tmp_path / "i.pdf").read_bytes()
    result, _ = _pdf(library, tmp_path / "n.pdf", ImagePolicy(sites=frozenset({"tides.example.org"})))
    assert result.images == 0 and b"/Subtype /Image" not in (tmp_path / "n.pdf").read_bytes()


def test_images_come_from_the_readers_cache_and_settings(qapp, tmp_path):
    cache = QNetworkDiskCache()
    cache.setCacheDirectory(str(tmp_path / "cache" / "images"))
    meta = QNetworkCacheMetaData()
    meta.setUrl(QUrl(IMAGE_URL))
    meta.setSaveToDisk(True)
    meta.setExpirationDate(QDateTime.currentDateTime().addDays(1))
    meta.setRawHeaders([(QByteArray(b"Content-Type"), QByteArray(b"image/png"))])
    device = cache.prepare(meta)
    device.write(_png())
    cache.insert(device)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("images/sites", ["tides.example.org"])
    settings.sync()
    policy = image_policy(tmp_path / "settings.ini", tmp_path / "cache" / "images")
    assert policy.cached(IMAGE_URL) == _png() and policy.cached("https://tides.example.org/other.png") is None
    assert policy.allows("tides.example.org") and not policy.allows("other.example")
    bare = image_policy(tmp_path / "missing.ini", tmp_path / "no-cache")
    assert bare.cached(IMAGE_URL) is None and not bare.allows("tides.example.org")


def _dialog(qtbot, library: Path, ids=(1,)) -> ExportDialog:
    dialog = ExportDialog(library, list(ids), PostFilter(), settings_path=None, cache_folder=None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.sources_ready)  # read off the GUI thread
    return dialog


def test_export_dialog_exports_the_selected_posts(qtbot, tmp_path):
    library = _library(tmp_path)
    dialog = _dialog(qtbot, library, ids=(1, 2))
    assert dialog.what.itemText(0) == "The selected posts (2)"
    dialog.format.setCurrentIndex([c.format for c in FORMATS].index("epub"))
    dialog.destination.setText(str(tmp_path / "picked"))
    dialog.on_format_changed()
    assert dialog.destination.text() == str(tmp_path / "picked.epub")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20_000)
    assert dialog.outcome.ok and dialog.outcome.posts == 2
    assert (tmp_path / "picked.epub").exists()
    assert dialog.status.text().startswith("Exported 2 posts")
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Close"
    dialog.grab().save(str(tmp_path / "dialog.png"))


def test_export_dialog_cancel_leaves_nothing(qtbot, tmp_path):
    library = _library(tmp_path, others=300)
    dialog = _dialog(qtbot, library, ids=())
    assert dialog.what.itemText(0) == "The current list"
    dialog.format.setCurrentIndex([c.label for c in FORMATS].index("HTML, a folder with an index"))
    dialog.destination.setText(str(tmp_path / "out" / "site"))
    (tmp_path / "out").mkdir()
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.progress.value() >= 2, timeout=20_000)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert dialog.job is None or not dialog.isVisible()
    assert list((tmp_path / "out").iterdir()) == []


def test_export_dialog_says_why_a_destination_fails(qtbot, tmp_path):
    dialog = _dialog(qtbot, _library(tmp_path, others=0))
    dialog.format.setCurrentIndex([c.format for c in FORMATS].index("json"))
    dialog.destination.setText(str(tmp_path / "nowhere" / "a.json"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20_000)
    assert dialog.status.text() == f"The export failed: {tmp_path / 'nowhere'}: the folder does not exist"
    assert dialog.export_button.isEnabled()


def test_export_dialog_offers_saved_searches(qtbot, tmp_path):
    library = _library(tmp_path)
    with Library.open(library, create=False) as lib:
        lib.save_search("Harbours", PostFilter(search="harbours"))
    dialog = _dialog(qtbot, library, ids=())
    assert [dialog.what.itemText(i) for i in range(dialog.what.count())] == [
        "The current list", "Saved search: Harbours"]
    dialog.what.setCurrentIndex(1)
    dialog.format.setCurrentIndex([c.label for c in FORMATS].index("Markdown, one file"))
    dialog.destination.setText(str(tmp_path / "found.md"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20_000)
    assert dialog.outcome.posts == 1
    assert (tmp_path / "found.md").read_text(encoding="utf-8").startswith("# Tide tables & the code")


def test_show_export_dialog_opens_over_the_window_and_goes_when_closed(qtbot, tmp_path):
    from PySide6.QtWidgets import QWidget

    from desktop.ui.export_dialog import show_export_dialog

    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    dialog = show_export_dialog(window, _library(tmp_path, others=0), [1], PostFilter(), None, None)
    assert dialog.isVisible() and dialog.parent() is window
    with qtbot.waitSignal(dialog.destroyed, timeout=5_000):
        dialog.reject()
