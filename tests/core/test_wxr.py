"""WordPress exports (WXR) → records: fields, identity with REST JSON, exact item text, safety, memory."""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.formats.rest_json import classify
from desktop.core.formats.wxr import WxrError, looks_like_wxr, read_wxr
from desktop.core.formats.xmlscan import Scanner
from desktop.core.records import Author, ListedTerm, Media, Post, Skip
from desktop.core.taxonomy import NAME_LISTED
from tests.conftest import post as rest_post

FIXTURES = Path(__file__).parent / "fixtures" / "wxr"
REPO = Path(__file__).resolve().parents[2]


def records(name):
    return list(read_wxr(FIXTURES / name))


def posts(name):
    return {r.wp_id: r for r in records(name) if isinstance(r, Post)}


def test_wxr_1_2_post_fields():
    post = posts("wxr-1.2.xml")[101]
    assert (post.site, post.type, post.wp_id) == ("blog.example.com", "post", 101)
    assert post.title == "Floods & rivers"
    assert post.date_utc == 1714550400 and post.date_local == "2024-05-01T10:00:00"
    assert post.utc_offset == 7200 and not post.date_is_local
    assert post.modified == "2024-05-02T09:30:00"
    assert (post.slug, post.status, post.link) == ("floods", "publish", "https://blog.example.com/2024/05/floods/")
    assert post.author_id == 7 and post.authors[0].name == "Jane & Co"
    assert post.excerpt == "High water."
    assert post.sticky and not post.protected
    assert post.comment_count == 1  # the unapproved one is not counted
    assert post.featured_media == 201 and not post.media  # the attachment is a record of its own (below)
    assert post.raw_format == "wxr"
    terms = {(t.taxonomy, t.slug): t for t in post.terms}
    assert terms[("category", "local-news")].wp_id == 4
    assert terms[("category", "local-news")].name == "Local & Regional"
    assert terms[("post_tag", "rivers")].wp_id == 9
    assert terms[("series", "summer")].wp_id == 12
    assert "<p>The river rose overnight.<br />\nNobody was hurt.</p>" in post.content
    assert '<figure class="wp-caption alignleft">' in post.content
    assert '<div class="gallery gallery-columns-3">' in post.content
    assert "The river rose overnight." in post.content_text


def test_wxr_1_2_channel_records_and_skips():
    found = records("wxr-1.2.xml")
    author = next(r for r in found if isinstance(r, Author))
    assert (author.wp_id, author.name, author.slug, author.quality) == (7, "Jane & Co", "jane", NAME_LISTED)
    terms = {r.term.slug: r.term for r in found if isinstance(r, ListedTerm)}
    assert terms["local-news"].parent == 3 and terms["local-news"].quality == NAME_LISTED
    assert terms["summer"].taxonomy == "series"
    media = next(r for r in found if isinstance(r, Media))
    assert (media.wp_id, media.alt, media.caption, media.mime) == (201, "The river", "The river at dawn", "image/jpeg")
    assert (media.width, media.height) == (1600, 1067)
    skips = [r for r in found if isinstance(r, Skip)]
    assert [s.reason for s in skips] == ["a menu item", "a post in the trash", "an auto-draft post (never saved)"]
    assert all(s.plural for s in skips)


def test_draft_with_zero_gmt_date_uses_the_sites_offset():
    draft = posts("wxr-1.2.xml")[102]
    assert draft.status == "draft" and draft.type == "page" and draft.protected
    # 12:00 local, and the file's published post says the site is UTC+2
    assert draft.date_utc == 1714730400 and not draft.date_is_local
    assert draft.content.strip() == "<p>Block paragraph.</p>"


def test_wxr_1_1_repairs_bare_ampersands_and_html_entities():
    post = posts("wxr-1.1.xml")[1]
    assert post.title == "Hello “world”"
    assert (post.site, post.author_id, post.utc_offset) == ("old.example.org", 2, 7200)
    assert post.raw.count("&nbsp;") == 1 and "a=1&b=2</wp:meta_value>" in post.raw  # the original, unrepaired


def test_wxr_1_0_authors_by_login_and_tag_domain():
    post = posts("wxr-1.0.xml")[3]
    assert post.authors[0].name == "admin" and post.author_id == post.authors[0].wp_id < 0
    assert again_same_id(post.author_id)
    assert {(t.taxonomy, t.slug) for t in post.terms} == {("category", "uncategorized"), ("post_tag", "old")}
    assert post.modified is None
    assert '<iframe src="https://www.youtube.com/watch?v=abc123">' in post.content


def again_same_id(author_id):
    return posts("wxr-1.0.xml")[3].author_id == author_id


def test_raw_is_the_item_exactly_as_in_the_file():
    for name in ("wxr-1.0.xml", "wxr-1.1.xml", "wxr-1.2.xml"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        for record in records(name):
            if isinstance(record, Post | Media):
                assert record.raw.startswith("<item>") and record.raw.endswith("</item>")
                assert record.raw in text


def test_same_post_from_wxr_and_rest_has_one_identity():
    wxr = posts("wxr-1.2.xml")[101]
    obj = rest_post(101, site="blog.example.com", link="https://blog.example.com/2024/05/floods/",
                    modified_gmt="2024-05-02T09:30:00")
    rest = classify(obj, json.dumps(obj))
    assert isinstance(rest, Post)
    assert (wxr.site, wxr.type, wxr.wp_id) == (rest.site, rest.type, rest.wp_id)
    assert wxr.modified == rest.modified  # same version: the richer REST copy wins in the library
    assert wxr.richness < rest.richness


@pytest.mark.parametrize(("name", "expected"), [
    ("unbound-prefix.xml", "invalid XML at line 13, column 16: the namespace prefix 'itunes'"),
    ("truncated.xml", "invalid XML at line 31"),
])
def test_broken_xml_is_refused_with_line_and_column(name, expected):
    with pytest.raises(WxrError) as error:
        records(name)
    assert str(error.value).startswith(expected)
    assert name not in str(error.value)


def test_broken_xml_is_refused_before_any_record():
    reader = read_wxr(FIXTURES / "truncated.xml")
    with pytest.raises(WxrError):
        next(reader)


def test_control_characters_are_dropped():
    post = posts("control-char.xml")[1]
    assert post.title == "Hello “world”" and "\x01Hello" in post.raw


def test_entity_bomb_is_refused_fast():
    start = time.perf_counter()
    with pytest.raises(WxrError, match="DOCTYPE declaration \\(line 2\\)"):
        records("entity-bomb.xml")
    assert time.perf_counter() - start < 1


XXE = """<?xml version="1.0" encoding="UTF-8"?>
{prolog}<!DOCTYPE rss [<!ENTITY canary SYSTEM "file://{canary}">]>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>XXE</title>
<item><title>&canary;</title><wp:post_id>1</wp:post_id><content:encoded>&canary;</content:encoded></item>
</channel></rss>
"""


@pytest.mark.parametrize("prolog", ["", "<!-- padding -->\n" * 5000])  # near the top, and beyond the first 64 KB
def test_external_entity_is_never_read(tmp_path, prolog):
    canary = tmp_path / "canary.txt"
    canary.write_text("SECRET-CANARY", encoding="utf-8")
    path = tmp_path / "xxe.xml"
    path.write_text(XXE.format(prolog=prolog, canary=canary), encoding="utf-8")
    before = canary.stat().st_atime_ns
    os.utime(canary, ns=(before - 10**10, canary.stat().st_mtime_ns))
    with pytest.raises(WxrError, match=r"DOCTYPE|no element in the first 64 KB") as error:
        list(read_wxr(path))
    assert "SECRET" not in str(error.value)
    assert canary.stat().st_atime_ns == before - 10**10  # not opened for reading (atime is not updated)


def test_not_wxr_files_say_what_they_are(tmp_path):
    rss = tmp_path / "feed.xml"
    rss.write_text('<?xml version="1.0"?><rss version="2.0"><channel><item><title>x</title></item></channel></rss>')
    atom = tmp_path / "atom.xml"
    atom.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')
    with pytest.raises(WxrError, match="an RSS feed, not a WordPress export"):
        list(read_wxr(rss))
    with pytest.raises(WxrError, match="the root element is <feed>"):
        list(read_wxr(atom))


def test_looks_like_wxr():
    for name in ("wxr-1.0.xml", "wxr-1.1.xml", "wxr-1.2.xml", "truncated.xml"):
        assert looks_like_wxr((FIXTURES / name).read_bytes()[:4096])
    assert not looks_like_wxr(b'[{"id": 1}]')
    assert not looks_like_wxr(b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>')
    assert not looks_like_wxr(b'<feed xmlns="http://www.w3.org/2005/Atom" wp="wordpress.org/export/"/>')


def _scan(data: bytes, sizes: list[int]) -> tuple[bytes, list[tuple[int, bytes]], int]:
    scanner = Scanner()
    out, position, index = [], 0, 0
    while position < len(data):
        size = sizes[index % len(sizes)] if sizes else len(data)
        out.append(scanner.feed(data[position : position + size]))
        position += size
        index += 1
    out.append(scanner.feed(b"", final=True))
    return b"".join(out), list(scanner.items), scanner.repairs


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=300), min_size=1, max_size=8))
def test_scanner_gives_the_same_result_whatever_the_chunks(sizes):
    data = (FIXTURES / "wxr-1.1.xml").read_bytes() + (FIXTURES / "wxr-1.2.xml").read_bytes()
    assert _scan(data, sizes) == _scan(data, [])


def test_memory_stays_flat_on_a_big_export(tmp_path):
    """A 40 MB export in a fresh process: peak RSS stays far below the file's size plus the interpreter."""
    path = tmp_path / "big.xml"
    item = (FIXTURES / "wxr-1.2.xml").read_text(encoding="utf-8")
    head, rest = item.split("<item>", 1)
    first_item = "<item>" + rest.split("</item>", 1)[0] + "</item>\n"
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        filler = "<p>" + "words " * 2000 + "</p>"
        for n in range(1, 3001):
            out.write(first_item.replace("<wp:post_id>101<", f"<wp:post_id>{n}<")
                      .replace("The river rose overnight.", filler))
        out.write("</channel>\n</rss>\n")
    assert path.stat().st_size > 35_000_000
    script = textwrap.dedent(f"""
        import resource, sys
        from pathlib import Path
        from desktop.core.formats.wxr import read_wxr
        from desktop.core.records import Post
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        count = sum(1 for r in read_wxr(Path({str(path)!r})) if isinstance(r, Post))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(count, (peak - base) // 1024)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True)
    count, growth_mb = map(int, result.stdout.split())
    assert count == 3000
    assert growth_mb < 60, f"peak RSS grew by {growth_mb} MB"


def test_scanner_refuses_a_doctype_wherever_it_is():
    from desktop.core.formats.xmlscan import DoctypeError

    scanner = Scanner()
    scanner.feed(b"<?xml version='1.0'?>\n" + b"<!-- pad -->\n" * 10000)
    with pytest.raises(DoctypeError) as error:
        scanner.feed(b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<rss/>', final=True)
    assert error.value.line == 10002
