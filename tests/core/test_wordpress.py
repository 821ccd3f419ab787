import json
from datetime import UTC, datetime

from desktop.core.formats.rest_json import Author, ListedTerm, Media, Post, Skip, classify
from desktop.core.taxonomy import CATEGORY, TAG, guess_name, post_term_refs
from tests.conftest import post


def classify_obj(obj):
    return classify(obj, json.dumps(obj))


def test_seed_post_golden(seed):
    text = seed.read_text(encoding="utf-8")
    record = classify(json.loads(text), text)
    assert isinstance(record, Post)
    assert record.title == "Russia suspends its mission at NATO, shuts alliance’s office"
    assert record.wp_id == 924
    assert record.site == "www.viewworld.org"
    assert record.type == "post"
    assert datetime.fromtimestamp(record.date_utc, UTC) == datetime(2021, 10, 18, 16, 25, 55,
                                                                             tzinfo=UTC)
    assert record.utc_offset == -4 * 3600
    assert [(t.taxonomy, t.wp_id, t.slug, t.name) for t in record.terms] == [(CATEGORY, 8, "politics", "Politics")]
    assert record.raw == text


def test_embedded_terms_authors_media_and_error_objects():
    obj = post(5, categories=[3], tags=[7], _embedded={
        "author": [{"code": "rest_user_invalid_id", "message": "Invalid user ID.", "data": {"status": 404}}],
        "wp:featuredmedia": [{"id": 9, "source_url": "https://example.com/a.jpg", "alt_text": "A &amp; B"}],
        "wp:term": [[{"id": 3, "name": "News &amp; Views", "slug": "news", "taxonomy": "category"}],
                    [{"code": "rest_forbidden", "message": "no"}]],
    })
    record = classify_obj(obj)
    assert isinstance(record, Post)
    names = {(t.taxonomy, t.wp_id): t.name for t in record.terms}
    assert names == {(CATEGORY, 3): "News & Views", (TAG, 7): None}
    assert record.authors == ()
    assert record.media[0].alt == "A & B" and record.media[0].url == "https://example.com/a.jpg"
    assert record.richness == 3


def test_class_list_pairs_ids_with_slugs_only_when_certain():
    one = post(1, categories=[8], class_list=["post-1", "category-politics", "tag-nato"])
    refs = {(r.taxonomy, r.wp_id, r.slug) for r in post_term_refs(one)}
    assert refs == {(CATEGORY, 8, "politics"), (TAG, None, "nato")}
    several = post(2, categories=[4, 12], class_list=["category-info", "category-12"])
    assert {(r.wp_id, r.slug) for r in post_term_refs(several)} == {(4, "info"), (12, None)}
    mismatch = post(3, categories=[4, 5, 6], class_list=["category-a", "category-b"])
    assert {(r.wp_id, r.slug) for r in post_term_refs(mismatch)} == {(4, None), (5, None), (6, None), (None, "a"),
                                                                     (None, "b")}


def test_guessed_names():
    assert guess_name("politics") == "Politics"
    assert guess_name("foreign-affairs") == "Foreign Affairs"
    assert guess_name("%e6%97%a5%e6%9c%ac") == "日本"
    assert guess_name("-blog") == "… Blog"


def test_other_objects_are_recognised_by_content():
    assert isinstance(classify_obj({"id": 3, "name": "News", "slug": "news", "taxonomy": "category",
                                    "link": "https://example.com/category/news/"}), ListedTerm)
    user = classify_obj({"id": 2, "name": "Ann &amp; Bo", "slug": "ann", "link": "https://example.com/author/ann/"})
    assert isinstance(user, Author) and user.name == "Ann & Bo" and user.site == "example.com"
    assert isinstance(classify_obj({"id": 9, "type": "attachment", "source_url": "https://e.com/x.png"}), Media)
    assert classify_obj({"id": 1, "post": 4, "author_name": "x", "content": {"rendered": ""}}) == Skip(
        "a comment", "comments")
    assert classify_obj({"id": 4, "parent": 1, "title": {"rendered": ""}, "content": {"rendered": ""}}).reason == \
        "a revision or autosave"
    assert classify_obj({"code": "rest_no_route", "message": "No route", "data": {}}).reason.startswith(
        "a WordPress error response (rest_no_route")
    assert classify_obj({"title": "x", "content": "y"}).reason == "an article without an id"
    assert classify_obj({"hello": 1}).reason == "not WordPress content (an object without id, title and content)"
    assert classify([1, 2], "[1, 2]").reason == "a JSON array, not an object"


def test_v1_post_with_offset_date_and_author_object():
    record = classify_obj({"ID": 1, "title": "First &amp; last", "content": "<p>Fox</p>", "type": "post",
                           "link": "http://wp.example.com/fox/", "date": "2014-08-27T21:16:57+02:00",
                           "author": {"ID": 2, "name": "Test Testerson"},
                           "terms": {"post_tag": [{"ID": 1, "name": "animals", "slug": "animals"}]}})
    assert isinstance(record, Post)
    assert record.title == "First & last" and record.content_text.strip() == "Fox"
    assert datetime.fromtimestamp(record.date_utc, UTC).hour == 19
    assert record.authors[0].name == "Test Testerson" and record.author_id == 2
    assert [(t.taxonomy, t.name) for t in record.terms] == [(TAG, "animals")]


def test_local_only_date_is_marked():
    record = classify_obj(post(1, date_gmt=None))
    assert record.date_is_local and record.date_local == "2024-03-01T10:00:00"


def test_protected_post():
    record = classify_obj(post(1, content={"rendered": "", "protected": True}))
    assert record.protected and record.content_text == ""


def test_ids_must_be_numbers():
    from desktop.core.taxonomy import as_int

    assert as_int("42") == 42 and as_int(7) == 7
    assert as_int("²") is None and as_int(True) is None and as_int("4.5") is None
    assert classify_obj({"id": "²", "title": "x", "content": "y"}).reason.startswith("an article whose id is not")
