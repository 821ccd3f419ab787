"""Every WXR file of ../shared/corpus becomes records or is refused with a precise reason; counts are checked
against an independent count of the items (a regex over the file with its CDATA sections blanked out)."""

import re
from collections import Counter

import pytest

from desktop.core.formats.wxr import WxrError, looks_like_wxr, read_wxr
from desktop.core.records import Media, Post, Skip

_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.S)
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_ITEM = re.compile(rb"<item[\s>].*?</item>", re.S)
_TYPE = re.compile(rb"<wp:post_type>(?:<!\[CDATA\[)?([^<\]]*)")
_STATUS = re.compile(rb"<wp:status>(?:<!\[CDATA\[)?([^<\]]*)")
SKIPPED = {b"nav_menu_item", b"wp_navigation", b"wp_template", b"wp_template_part", b"wp_global_styles",
           b"wp_block", b"custom_css", b"customize_changeset", b"oembed_cache", b"user_request", b"revision"}
REFUSED = {  # known-broken test files: the reason must say what and where
    "crazy-cdata.xml": "invalid XML at line 18, column 70: Sequence ']]>' not allowed in content",
    "malformed-simple.xml": "invalid XML at line 14, column 1: the file ends",
    "malformed.xml": "invalid XML at line 90, column 11:",
    "namespace-edge-cases.xml": "invalid XML at line 84, column 50:",
}


def independent_counts(data: bytes) -> Counter:
    """Items by what they should become, counted without an XML parser."""
    blanked = _COMMENT.sub(b"", _CDATA.sub(lambda m: b"<![CDATA[x]]>" if b"<item" in m.group() else m.group(), data))
    counts: Counter = Counter()
    for item in _ITEM.finditer(blanked):
        body = item.group()
        kind = (_TYPE.search(body).group(1) if _TYPE.search(body) else b"post").strip()
        status = (_STATUS.search(body).group(1) if _STATUS.search(body) else b"").strip()
        if kind in SKIPPED or status in (b"trash", b"auto-draft") or (status == b"inherit" and kind != b"attachment"):
            counts["skip"] += 1
        elif kind == b"attachment":
            counts["media"] += 1
        else:
            counts["post"] += 1
    return counts


def test_every_corpus_wxr_file_reads_or_says_why(corpus):
    files = sorted(corpus.rglob("*.xml"))
    assert len(files) >= 40
    read = 0
    for path in files:
        data = path.read_bytes()
        assert looks_like_wxr(data[:65536]), path.name
        try:
            found = list(read_wxr(path))
        except WxrError as error:
            assert path.name in REFUSED, f"{path.name}: {error}"
            assert str(error).startswith(REFUSED[path.name]), f"{path.name}: {error}"
            continue
        assert path.name not in REFUSED, path.name
        read += 1
        counts = Counter("post" if isinstance(r, Post) else "media" if isinstance(r, Media) else "skip"
                         for r in found if isinstance(r, Post | Media | Skip))
        assert counts == independent_counts(data), path.name
        for record in found:
            if isinstance(record, Post | Media):
                assert record.raw.startswith("<item") and record.raw.encode("utf-8") in data, path.name
    assert read == len(files) - len(REFUSED)


def test_theme_unit_test_data(corpus):
    path = corpus / "wptt-theme-test-data" / "themeunittestdata.wordpress.xml"
    if not path.exists():
        pytest.skip(f"not in the corpus: {path}")
    found = list(read_wxr(path))
    posts = [r for r in found if isinstance(r, Post)]
    assert Counter(p.type for p in posts) == {"post": 58, "page": 21}
    assert sum(isinstance(r, Media) for r in found) == 37
    assert Counter(r.reason for r in found if isinstance(r, Skip)) == {"a menu item": 70}
    assert {p.site for p in posts} == {"wpthemetestdata.wordpress.com"}
    protected = [p for p in posts if p.protected]
    assert [p.title for p in protected] == ['Template: Password Protected (the password is "enter")']
    assert any(p.status == "draft" for p in posts) and any(p.status == "future" for p in posts)
    assert any(p.sticky for p in posts)
    gallery = next(p for p in posts if p.slug == "post-format-gallery")
    assert 'class="gallery' in gallery.content
