import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from desktop.core.content import Options, clean_content
from desktop.core.formats.rest_json import classify
from desktop.core.importer import Summary, import_paths
from desktop.core.library import Library
from desktop.core.queries import StoredContent
from desktop.core.reading import read_post
from desktop.core.render import post_html

GOLDEN = Path(__file__).parent / "golden"
UNSAFE = re.compile(r"<(script|style|link|iframe|form|object|embed|meta)\b|\son[a-z]+\s*=|javascript:", re.I)


def text_of(markup: str) -> str:
    return " ".join(BeautifulSoup(markup, "html.parser").get_text(" ").split())


def test_unsafe_things_go_and_links_are_made_absolute():
    out = clean_content(
        '<p style="color:red" onclick="x()">Hi <a href="javascript:alert(1)">bad</a> <a href="/rel">rel</a> '
        '<a href="file:///etc/passwd">file</a> <a href="#notes">notes</a></p><script>evil()</script>'
        '<link rel="stylesheet" href="x.css"><p>after the link</p><form><input name=q></form>',
        Options(base_url="https://site.org/post/"))
    assert not UNSAFE.search(out)
    assert '<a href="https://site.org/rel">rel</a>' in out
    assert "<a>bad</a>" in out and "<a>file</a>" in out and '<a href="#notes">' in out
    assert "after the link" in out and "color" not in out


def test_embeds_become_link_cards():
    out = clean_content(
        '<figure class="wp-block-embed is-provider-youtube"><div class="wp-block-embed__wrapper">'
        '<iframe src="https://www.youtube.com/embed/abc123?feature=oembed"></iframe></div></figure>'
        '<iframe src="https://player.vimeo.com/video/42">Your browser cannot show this</iframe>'
        '<video src="https://cdn.example.com/clip.mp4"></video>')
    assert '<a href="https://www.youtube.com/watch?v=abc123">▶ Video on youtube.com</a>' in out
    assert '<a href="https://vimeo.com/42">▶ Video on vimeo.com</a>' in out
    assert "▶ Video on cdn.example.com" in out
    assert "Your browser cannot" not in out


def test_images_are_placeholders_unless_allowed_and_pixels_vanish():
    markup = ('<figure class="wp-block-image"><img src="/a.jpg" alt="A cat" srcset="x 2x"/>'
              '<figcaption>The <b>cat</b></figcaption></figure><img src="https://t.example/p.gif" width="1" '
              'height="1"><img src="file:///home/me/secret.png" alt="local">')
    hidden = clean_content(markup, Options(base_url="https://site.org/"))
    assert "<img" not in hidden and "[image: A cat]" in hidden and "[image: local]" in hidden
    assert '<p class="caption">The <b>cat</b></p>' in hidden
    shown = clean_content(markup, Options(base_url="https://site.org/", images=True))
    assert '<img alt="A cat" src="https://site.org/a.jpg"/>' in shown
    assert "p.gif" not in shown and "file:" not in shown


def test_the_image_size_that_fits_is_chosen_from_srcset():
    markup = ('<img src="https://e.com/full.jpg" srcset="https://e.com/s.jpg 300w, https://e.com/l.jpg 1024w, '
              'https://e.com/xl.jpg 2048w" alt="x">')
    assert 'src="https://e.com/l.jpg"' in clean_content(markup, Options(images=True, image_width=800))
    assert 'src="https://e.com/xl.jpg"' in clean_content(markup, Options(images=True, image_width=1800))
    assert 'src="https://e.com/xl.jpg"' in clean_content(markup, Options(images=True, image_width=4000))
    assert "[image: x]" in clean_content(markup, Options(images=False))


def test_gallery_is_a_grid_and_quotes_keep_their_citation():
    gallery = "".join(f'<figure class="wp-block-image"><img src="https://e.com/{i}.jpg" alt="p{i}"/></figure>'
                      for i in range(5))
    out = clean_content(f'<figure class="wp-block-gallery">{gallery}<figcaption>Trip</figcaption></figure>'
                        '<blockquote class="wp-block-quote"><p>To be</p><cite>Hamlet</cite></blockquote>'
                        '[caption id="x" align="alignnone"]Caption text[/caption]')
    soup = BeautifulSoup(out, "html.parser")
    rows = soup.find("table", class_="gallery").find_all("tr")
    assert [len(r.find_all("td")) for r in rows] == [3, 2]
    assert '<p class="caption">Trip</p>' in out
    assert '<blockquote><p>To be</p><p class="cite">— Hamlet</p></blockquote>' in out
    assert "[caption" not in out and "Caption text" in out


@pytest.mark.parametrize("name", ["seed", "tricky", "gallery", "protected"])
def test_golden(name, request):
    # Only the seed case needs ../shared; the other fixtures live in tests/ and never skip.
    source = request.getfixturevalue("seed") if name == "seed" else GOLDEN / f"{name}.json"
    post = json.loads(source.read_text(encoding="utf-8"))
    row = _Row(post)
    rendered = post_html(row, stored_content(post), terms=[("category", 8, "Politics")])
    assert rendered == (GOLDEN / f"{name}.html").read_text(encoding="utf-8")


def stored_content(post):
    """The content a library would store for a REST post object."""
    record = classify(post, json.dumps(post))
    return StoredContent(record.content, record.protected, record.excerpt, record.status, "json", False, None, None)


class _Row:
    """The fields of a PostRow that post_html reads."""

    def __init__(self, post):
        self.title = text_of(post["title"]["rendered"])
        self.author = "AP"
        self.date_utc = None
        self.date_local = post.get("date")
        self.date_is_local = True
        self.link = post.get("link")


def test_every_corpus_post_renders_safely_and_keeps_its_text(tmp_path, corpus):
    with Library.open(tmp_path) as library:
        (summary,) = [e for e in import_paths(library, [corpus]) if isinstance(e, Summary)]
        assert summary.ok
        rows = library.list_posts(limit=10_000)
        assert len(rows) > 150
        for row in rows:
            post = json.loads(library.raw_json(row.id))
            for images in (False, True):
                out = read_post(library, row.id, images=images).html
                assert not UNSAFE.search(out), (row.title, UNSAFE.search(out).group(0))
            rendered = re.sub(r"\s+", "", text_of(out))  # spacing around inline tags may differ
            content = post.get("content")
            original = content.get("rendered", "") if isinstance(content, dict) else content or ""
            soup = BeautifulSoup(original, "html.parser")
            for dropped in soup.find_all(["script", "style", "iframe", "noscript", "form", "figure", "blockquote"]):
                dropped.decompose()  # embeds become cards; quotes and figures are checked above
            for paragraph in soup.find_all("p"):
                words = " ".join(paragraph.get_text(" ").split())
                words = re.sub(r"\[/?[a-z_][^\]]*\]", "", words).strip()  # left-over shortcodes go
                if words:
                    assert re.sub(r"\s+", "", words) in rendered, (row.title, words[:80])
