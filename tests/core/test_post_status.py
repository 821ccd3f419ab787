"""An owner's export holds drafts, private, pending and scheduled posts: the list, the reader, ``show`` and
``list`` say which they are; sticky posts and posts a sync found gone from their site are told apart too."""

import json
from pathlib import Path

import pytest

from desktop.core.importer import import_paths
from desktop.core.library import Library
from desktop.core.reading import read_post
from desktop.core.render import status_label
from tests.core.test_cli import run

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Owner</title><link>https://owner.example</link><wp:wxr_version>1.2</wp:wxr_version>
"""
STATUSES = {1: "publish", 2: "draft", 3: "private", 4: "pending", 5: "future", 6: "archived"}


def _item(wp_id: int, status: str, sticky: bool = False) -> str:
    gmt = "0000-00-00 00:00:00" if status in ("draft", "pending") else f"2024-05-0{wp_id} 08:00:00"
    return f"""<item><title>Post {status}</title><link>https://owner.example/?p={wp_id}</link>
<dc:creator>owner</dc:creator><content:encoded><![CDATA[Text of the {status} post.]]></content:encoded>
<wp:post_id>{wp_id}</wp:post_id><wp:post_date>2024-05-0{wp_id} 10:00:00</wp:post_date>
<wp:post_date_gmt>{gmt}</wp:post_date_gmt><wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>
<wp:is_sticky>{int(sticky)}</wp:is_sticky></item>
"""


@pytest.fixture
def export(tmp_path) -> Path:
    path = tmp_path / "export.xml"
    items = "".join(_item(wp_id, status, sticky=wp_id == 1) for wp_id, status in STATUSES.items())
    path.write_text(HEAD + items + "</channel></rss>\n", encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path, export):
    with Library.open(tmp_path / "lib") as library:
        list(import_paths(library, [export]))
        yield library


def _by_status(library) -> dict[str, int]:
    return {row.status: row.id for row in library.list_posts(limit=100)}


def test_labels():
    assert status_label("publish") is None and status_label(None) is None
    assert [status_label(s) for s in ("draft", "private", "pending", "future")] == \
        ["Draft", "Private", "Pending review", "Scheduled"]
    assert status_label("archived") == "Archived"  # a plugin's own status, by its name
    assert status_label("publish", removed=True) == "Removed from the site"


def test_rows_carry_status_and_sticky(library):
    rows = {row.status: row for row in library.list_posts(limit=100)}
    assert set(rows) == set(STATUSES.values())
    assert rows["publish"].sticky and not rows["draft"].sticky
    assert not any(row.removed for row in rows.values())
    assert library.post(rows["draft"].id).status == "draft"


def test_reader_byline_names_the_status(library):
    ids = _by_status(library)
    published = read_post(library, ids["publish"])
    assert 'class="status"' not in published.html
    for status, label in (("draft", "Draft"), ("private", "Private"), ("pending", "Pending review"),
                          ("future", "Scheduled")):
        rendered = read_post(library, ids[status])
        assert f'<p class="byline"><span class="status">{label}</span> · By owner' in rendered.html
        assert rendered.text.splitlines()[2].startswith(f"{label} · By owner")


def test_a_post_gone_from_its_site_says_so(library):
    ids = _by_status(library)
    with library.transaction():
        assert library.mark_removed("owner.example", "post", [1]) == 1
    row = library.post(ids["publish"])
    assert row.removed
    rendered = read_post(library, ids["publish"])
    assert '<span class="status">Removed from the site</span>' in rendered.html
    assert "Removed from the site · By owner" in rendered.text


def test_cli_list_and_show(tmp_path, export):
    lib = str(tmp_path / "cli-lib")
    assert run("--library", lib, "import", str(export))[0] == 0
    out = run("--library", lib, "list")[1]
    titles = {line.strip().split("  ")[2] for line in out.splitlines()}
    assert titles == {"Post publish", "[Draft] Post draft", "[Private] Post private",
                          "[Pending review] Post pending", "[Scheduled] Post future", "[Archived] Post archived"}
    objects = json.loads(run("--library", lib, "list", "--json")[1])
    assert {o["status"] for o in objects} == set(STATUSES.values())
    assert [o["sticky"] for o in objects if o["status"] == "publish"] == [True]
    draft = next(o["id"] for o in objects if o["status"] == "draft")
    text = run("--library", lib, "show", str(draft), "--text")[1]
    # The draft has no GMT date: its local time is converted with the offset the other posts gave.
    byline = "Draft · By owner · 2024-05-02 08:00:00 UTC · https://owner.example/?p=2"
    assert text.splitlines()[:3] == ["Post draft", "==========", byline]


def _attachment(wp_id: int, parent: int, status: str = "inherit") -> str:
    return f"""<item><title>photo {wp_id}</title><guid>https://owner.example/p{wp_id}.jpg</guid>
<wp:post_id>{wp_id}</wp:post_id><wp:post_parent>{parent}</wp:post_parent><wp:status>{status}</wp:status>
<wp:post_type>attachment</wp:post_type><wp:attachment_url>https://owner.example/p{wp_id}.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>Alt {wp_id}</wp:meta_value></wp:postmeta>
</item>
"""


def test_featured_images_from_attachments_later_in_the_file(tmp_path):
    """The attachment, listed after its post as exports do, is the featured image; a trashed one still shows."""
    featured = "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{}</wp:meta_value></wp:postmeta>"
    items = (_item(1, "publish").replace("</item>", featured.format(11) + "</item>")
             + _item(2, "draft").replace("</item>", featured.format(12) + "</item>")
             + _attachment(11, 1) + _attachment(12, 2, status="trash"))
    export = tmp_path / "export.xml"
    export.write_text(HEAD + items + "</channel></rss>\n", encoding="utf-8")
    with Library.open(tmp_path / "lib") as library:
        list(import_paths(library, [export]))
        ids = _by_status(library)
        assert read_post(library, ids["publish"]).featured.url == "https://owner.example/p11.jpg"
        assert read_post(library, ids["publish"]).featured.alt == "Alt 11"
        assert read_post(library, ids["draft"]).featured.url == "https://owner.example/p12.jpg"
