"""Export (core): Markdown, HTML, EPUB and JSON through the public runner; the destination never half-written."""

import errno
import io
import json
import os
import threading
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop import cli
from desktop.core.export import ExportProgress, ExportResult, ImagePolicy, export, selected_entries
from desktop.core.export.runner import Entry, describe_os_error, run_export
from desktop.core.importer import import_paths
from desktop.core.library import Library, PostFilter
from tests.conftest import post, write_json

GOLDEN = Path(__file__).parent / "golden" / "export"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
IMAGE_URL = "https://tides.example.org/wp-content/uploads/harbour.png"


def _import(library: Library, *paths: Path) -> None:
    for _ in import_paths(library, list(paths)):
        pass


def _run(events) -> ExportResult:
    last = list(events)[-1]
    assert isinstance(last, ExportResult)
    return last


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "lib")
    _import(lib, GOLDEN / "post.json")
    yield lib
    lib.close()


def _with_others(library: Library, tmp_path: Path, count: int = 2) -> None:
    _import(library, write_json(tmp_path / "more.json", [post(n, "other.example") for n in range(1, count + 1)]))


# -- Markdown -------------------------------------------------------------------------------------------------


def test_golden_markdown_keeps_table_figure_footnotes_and_code(library, tmp_path):
    result = _run(export(library, "md", tmp_path / "out", selected_entries(library)))
    assert result.ok and result.posts == 1
    files = list((tmp_path / "out").iterdir())
    assert [f.name for f in files] == ["2024-05-06-tide-tables-the-code-that-reads-them.md"]
    expected = (GOLDEN / "post.md").read_text(encoding="utf-8")
    assert files[0].read_text(encoding="utf-8") == expected


def test_markdown_in_one_file_keeps_each_posts_footnotes_apart(library, tmp_path):
    _import(library, GOLDEN / "post.json", write_json(tmp_path / "copy.json", [
        {**json.loads((GOLDEN / "post.json").read_text())[0], "id": 502, "slug": "again",
         "link": "https://tides.example.org/again/"}]))
    result = _run(export(library, "md", tmp_path / "all.md", selected_entries(library)))
    text = (tmp_path / "all.md").read_text(encoding="utf-8")
    assert result.posts == 2
    assert text.count("# Tide tables & the code that reads them") == 2
    assert "[^1-1]: First printed in 1555." in text and "[^2-1]: First printed in 1555." in text
    assert "\n---\n" in text


# -- HTML -----------------------------------------------------------------------------------------------------


def test_html_file_is_self_contained_with_contents_and_cached_images(library, tmp_path):
    _with_others(library, tmp_path)
    policy = ImagePolicy(cached={IMAGE_URL: PNG}.get)
    result = _run(export(library, "html", tmp_path / "a.html", selected_entries(library), images=policy))
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert result.ok and result.posts == 3 and result.images == 1
    assert page.count("<article") == 3 and '<nav class="contents">' in page
    assert "data:image/png;base64," in page and IMAGE_URL not in page
    assert "article-browser:" not in page  # the reader's term links do not leave the app
    assert "break-before: page" in page


def test_html_folder_has_an_index_that_links_every_page(library, tmp_path):
    _with_others(library, tmp_path)
    result = _run(export(library, "html", tmp_path / "site", selected_entries(library),
                         images=ImagePolicy(cached={IMAGE_URL: PNG}.get)))
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    pages = sorted((tmp_path / "site" / "posts").iterdir())
    assert result.ok and len(pages) == 3
    for page in pages:
        assert f'href="posts/{page.name}"' in index
    assert (tmp_path / "site" / "images" / "1.png").read_bytes() == PNG


def test_images_follow_the_readers_rules(library, tmp_path):
    entries = selected_entries(library)
    # neither cached nor allowed: the reader's alt text
    _run(export(library, "html", tmp_path / "none.html", entries))
    assert "[image: Harbour at low tide]" in (tmp_path / "none.html").read_text(encoding="utf-8")
    # the site is allowed but nothing is cached: HTML keeps the address (as the reader loads it); a book cannot
    allowed = ImagePolicy(sites=frozenset({"tides.example.org"}))
    _run(export(library, "html", tmp_path / "allowed.html", entries, images=allowed))
    assert f'src="{IMAGE_URL}"' in (tmp_path / "allowed.html").read_text(encoding="utf-8")
    _run(export(library, "epub", tmp_path / "allowed.epub", entries, images=allowed))
    with zipfile.ZipFile(tmp_path / "allowed.epub") as book:
        chapter = book.read("OEBPS/chapter-00001.xhtml").decode()
    assert "[image: Harbour at low tide]" in chapter and "http" not in chapter.split("<img")[-1][:10]


# -- EPUB -----------------------------------------------------------------------------------------------------


def test_epub_is_a_well_formed_book(library, tmp_path):
    _with_others(library, tmp_path)
    result = _run(export(library, "epub", tmp_path / "b.epub", selected_entries(library), title="Tides",
                         images=ImagePolicy(cached={IMAGE_URL: PNG}.get)))
    assert result.ok
    with zipfile.ZipFile(tmp_path / "b.epub") as book:
        first = book.infolist()[0]
        assert (first.filename, first.compress_type, first.extra) == ("mimetype", zipfile.ZIP_STORED, b"")
        assert book.read("mimetype") == b"application/epub+zip"
        names = book.namelist()
        for name in names:
            if name.endswith((".xhtml", ".opf", ".xml")):
                ElementTree.fromstring(book.read(name))  # well-formed XML, or this raises
        opf = book.read("OEBPS/content.opf").decode()
        nav = book.read("OEBPS/nav.xhtml").decode()
    assert sum(n.startswith("OEBPS/chapter-") for n in names) == 3
    assert "OEBPS/images/1.png" in names and 'media-type="image/png"' in opf
    assert "<dc:title>Tides</dc:title>" in opf and "dcterms:modified" in opf
    assert nav.count("<li>") == 3 and "Tide tables &amp; the code" in nav


def _epubcheck() -> list[str]:
    for jar in (Path("/usr/share/java/epubcheck.jar"), Path("/usr/bin/epubcheck")):
        if jar.exists():
            return ["java", "-jar", str(jar.resolve())]
    pytest.skip("EPUBCheck is not installed (Debian: apt-get install epubcheck)")


def test_epubcheck_passes_on_the_shared_corpus(corpus, tmp_path):
    import shutil
    import subprocess

    command = _epubcheck()
    if shutil.which("java") is None:
        pytest.skip("EPUBCheck needs java")
    with Library.open(tmp_path / "lib") as lib:
        _import(lib, corpus)
        entries = selected_entries(lib)[::3]  # every third post: all kinds of source, a third of the time
        result = _run(export(lib, "epub", tmp_path / "corpus.epub", entries, title="Corpus"))
    assert result.ok and result.posts > 100
    check = subprocess.run([*command, str(tmp_path / "corpus.epub")], capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-3000:]
    assert "0 fatals / 0 errors" in check.stdout + check.stderr


# -- JSON -----------------------------------------------------------------------------------------------------


def _cli(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(args), out, err)
    assert code == 0, err.getvalue()
    return out.getvalue()


def test_json_round_trip_gives_an_identical_library(corpus, tmp_path):
    sources = sorted(p for p in corpus.rglob("*.json"))
    first, second = tmp_path / "first", tmp_path / "second"
    _cli("--library", str(first), "import", *map(str, sources))
    _cli("--library", str(first), "export", "--format", "json", "--output", str(tmp_path / "all.json"))
    _cli("--library", str(second), "import", str(tmp_path / "all.json"))
    listing = _cli("--library", str(first), "list", "--json", "--limit", "1000000")
    again = _cli("--library", str(second), "list", "--json", "--limit", "1000000")
    # Objects that name no site belong to the folder they were imported from (parsing.local_source): after a
    # round trip, to the export's folder. Everything else is identical, ids included.
    local = {p["site"] for p in json.loads(listing) if p["site"].startswith("local:")}
    assert local, "the corpus has a source without a site; the test should cover it"
    for folder in local:
        listing = listing.replace(json.dumps(folder), '"local:"')
    again = again.replace(json.dumps(f"local:{tmp_path}"), '"local:"')
    assert listing == again
    ids = [p["id"] for p in json.loads(listing)]
    assert len(ids) > 100
    for post_id in ids:
        raw = _cli("--library", str(first), "show", "--raw", str(post_id))
        assert raw == _cli("--library", str(second), "show", "--raw", str(post_id))


def test_json_writes_wxr_posts_as_rest_records(tmp_path):
    from desktop.core.formats.rest_json import classify

    with Library.open(tmp_path / "lib") as lib:
        _import(lib, GOLDEN / "post.json")
        record = classify(json.loads((GOLDEN / "post.json").read_text())[0], "<item>…</item>")
        from dataclasses import replace

        wxr = replace(record, wp_id=900, raw_format="wxr", link="https://tides.example.org/wxr/", raw="<item/>")
        with lib.transaction() as stats:
            lib.store_post(wxr, "export.xml", stats)
        _run(export(lib, "json", tmp_path / "all.json", selected_entries(lib)))
        objects = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
        shaped = next(o for o in objects if o["id"] == 900)
        assert shaped["title"] == {"rendered": "Tide tables &amp; the code that reads them"}
        assert shaped["categories"] == [7] and shaped["tags"] == [11, 12]
        assert shaped["_embedded"]["author"][0]["name"] == "Morwenna Pascoe"
        assert shaped["date_gmt"] == "2024-05-06T06:08:09" and shaped["date"] == "2024-05-06T07:08:09"
        with Library.open(tmp_path / "again") as again:
            _import(again, tmp_path / "all.json")
            before = {r.wp_id: r for r in lib.list_posts(limit=10)}
            after = {r.wp_id: r for r in again.list_posts(limit=10)}
            for field in ("title", "date_utc", "date_local", "author", "categories", "tags", "link"):
                assert getattr(after[900], field) == getattr(before[900], field), field


# -- the destination ------------------------------------------------------------------------------------------


class FailingWriter:
    """A format whose disk fills up on the second post (as a real full disk would answer)."""

    folder = False
    remote_images = False

    def open(self, staging, entries):
        self.file = staging.open("w")

    def add_image(self, url, data, kind):
        return None

    def write(self, post):
        if post.number == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.file.name))
        self.file.write(post.rendered.row.title)

    def close(self):
        self.file.close()

    def abort(self):
        self.file.close()


def test_a_full_disk_says_so_and_leaves_nothing_behind(library, tmp_path):
    _with_others(library, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.txt").write_text("the previous export")
    result = _run(run_export(library, selected_entries(library), FailingWriter(), out / "x.txt"))
    assert not result.ok and "disk is full" in (result.error or "")
    assert [p.name for p in out.iterdir()] == ["x.txt"]  # no staging file left, the old file untouched
    assert (out / "x.txt").read_text() == "the previous export"


def test_a_missing_folder_and_a_full_folder_are_refused(library, tmp_path):
    entries = selected_entries(library)
    missing = _run(export(library, "epub", tmp_path / "nowhere" / "b.epub", entries))
    assert missing.error == f"{tmp_path / 'nowhere'}: the folder does not exist"
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "keep.txt").write_text("mine")
    taken = _run(export(library, "md", tmp_path / "site", entries))
    assert "already exists and is not empty" in (taken.error or "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib", "site"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere, so a read-only folder cannot be tested")
def test_a_folder_without_permission_is_named(library, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = _run(export(library, "json", locked / "a.json", selected_entries(library)))
    finally:
        locked.chmod(0o755)
    assert "permission" in (result.error or "")


@pytest.mark.parametrize(("code", "words"), [
    (errno.ENOSPC, "disk is full"), (errno.EDQUOT, "disk is full"), (errno.EACCES, "permission"),
    (errno.EPERM, "permission"), (errno.EROFS, "read-only"), (errno.ENAMETOOLONG, "too long"),
])
def test_errors_are_told_apart_by_errno(code, words):
    assert words in describe_os_error(OSError(code, "whatever the platform says"), Path("/x/y.epub"))


def test_cancel_stops_between_posts_and_removes_the_partial_output(library, tmp_path):
    _with_others(library, tmp_path, 5)
    cancel = threading.Event()
    events = []
    for event in export(library, "epub", tmp_path / "b.epub", selected_entries(library), cancel=cancel):
        events.append(event)
        if isinstance(event, ExportProgress) and event.done == 2:
            cancel.set()
    assert events[-1].cancelled and events[-1].posts == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib", "more.json"]


def test_progress_counts_every_post(library, tmp_path):
    _with_others(library, tmp_path, 4)
    events = list(export(library, "md", tmp_path / "o.md", selected_entries(library)))
    assert [e.done for e in events[:-1]] == [1, 2, 3, 4, 5] and {e.total for e in events[:-1]} == {5}


def test_selection_by_ids_filter_and_search(library, tmp_path):
    _with_others(library, tmp_path, 3)
    assert [e.id for e in selected_entries(library, ids=[3, 1, 3, 99])] == [3, 1]
    site = library.site_ids()["other.example"]
    assert len(selected_entries(library, flt=PostFilter(site_id=site))) == 3
    assert [e.title for e in selected_entries(library, flt=PostFilter(search="harbours"))] == [
        "Tide tables & the code that reads them"]
    assert selected_entries(library, flt=PostFilter(search="harbours"))[0] == Entry(1, "Tide tables & the code "
                                                                                      "that reads them")


def test_cli_export_by_category_and_unknown_ids(library, tmp_path):
    library.close()
    out = _cli("--library", str(tmp_path / "lib"), "export", "--format", "html", "--output",
               str(tmp_path / "h.html"), "--category", "harbours")
    assert "Exported 1 post as HTML" in out
    err = io.StringIO()
    assert cli.run(["--library", str(tmp_path / "lib"), "export", "--format", "md", "--output",
                    str(tmp_path / "m"), "1", "404"], io.StringIO(), err) == 1
    assert "not in the library" in err.getvalue() and not (tmp_path / "m").exists()


# -- hostile input --------------------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "<p>", "</p>", "<ul>", "</ul>", "<li>", "<ol start='x'>", "<dl><dt>a", "<dd>", "<table><tr><td>", "<th colspan=9>",
    "<pre>", "<code>", "`", "*", "_", "|", "[", "]", "#", "> ", "1. ", "<sup><a href='#n'>1</a></sup>",
    "<a id='n' name='n'>", "</a>", "<img src='https://x.example/i.png' alt='a&quot;b'>", "<blockquote>", "<br>",
    "<h2 id='h h'>", "\x01", "\ud7ff", "&amp;", "&#0;", "<em>", "<strong>", "<span>", "<figure><figcaption>c",
    "<iframe src='https://www.youtube.com/embed/x'></iframe>", "text", " ", "\n",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_content_gives_well_formed_chapters_and_markdown(tmp_path_factory, content):
    folder = tmp_path_factory.mktemp("h")
    with Library.open(folder / "lib") as lib:
        _import(lib, write_json(folder / "p.json", [post(1, content={"rendered": content, "protected": False})]))
        entries = selected_entries(lib)
        assert _run(export(lib, "epub", folder / "b.epub", entries)).ok
        assert _run(export(lib, "md", folder / "m.md", entries)).ok
    with zipfile.ZipFile(folder / "b.epub") as book:
        ElementTree.fromstring(book.read("OEBPS/chapter-00001.xhtml"))
