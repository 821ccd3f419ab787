import contextlib
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.formats.rest_json import classify
from desktop.core.formats.site import (
    Phase,
    SiteFound,
    SyncOptions,
    SyncPage,
    SyncProgress,
    SyncState,
    SyncSummary,
    local_time,
    split_array,
    sync_site,
)
from desktop.core.formats.site_http import (
    USER_AGENT,
    ErrorKind,
    Limits,
    SiteClient,
    SiteError,
    SiteInfo,
    html_links,
    parse_link_header,
    parse_retry_after,
    same_site,
)
from desktop.core.records import Author, ListedTerm, Media, Post

EMBED = "author,wp:featuredmedia,wp:term"



class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(**limits) -> SiteClient:
    return SiteClient(Limits(**limits), sleep=Sleeps())


def run(address, state=None, **kwargs):
    """All events of one sync: (pages, summary)."""
    kwargs.setdefault("client", client())
    events = list(sync_site(address, state, **kwargs))
    summary = events[-1]
    assert isinstance(summary, SyncSummary)
    assert all(isinstance(e, (SyncProgress, SiteFound, SyncPage)) for e in events[:-1])
    return [e for e in events if isinstance(e, SyncPage)], summary


def post_ids(pages, kind="post"):
    return sorted(i.value["id"] for p in pages if p.collection.post_type == kind for i in p.items)


def titles(pages):
    return {i.value["id"]: i.value["title"]["rendered"] for p in pages if p.collection.post_type for i in p.items}


# -- discovery --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "root"), [("link", "wp-json/"), ("tag", "wp-json/"), ("wp-json", "wp-json/"),
                                            ("plain", "?rest_route=/")])
def test_discovery_finds_the_api_and_copies_every_post(serve, mode, root):
    site = serve(120, pages=2, discovery=mode)
    pages, summary = run(site.link("2024/05/some-post/"))
    assert summary.ok, summary.failures
    assert summary.info.api_root == site.url + root
    assert (summary.info.name, summary.info.site, summary.info.gmt_offset) == ("Stand-in Site",
                                                                              f"127.0.0.1:{site.port}", 2.0)
    assert post_ids(pages) == sorted(i for i, p in site.items.items() if p["type"] == "post")
    assert len(post_ids(pages, "page")) == 2


def test_synced_items_classify_with_their_exact_text_and_names(serve):
    site = serve(30)
    pages, summary = run(site.url)
    records = [classify(i.value, i.text) for p in pages for i in p.items]
    posts = [r for r in records if isinstance(r, Post)]
    assert len(posts) == 32 and {p.site for p in posts} == {summary.info.site}
    assert all(p.authors and p.media and p.terms for p in posts if p.type == "post")
    assert sum(isinstance(r, ListedTerm) for r in records) == 14
    assert sum(isinstance(r, Author) for r in records) == 3
    # the text is the item exactly as the site sent it: it parses back to the same value
    assert all(json.loads(i.text) == i.value for p in pages for i in p.items)
    first = next(i for p in pages for i in p.items if i.value.get("type") == "post")
    assert first.text.startswith('{"id": ') and "_embedded" in first.value


def test_a_page_that_is_not_wordpress_is_a_clear_error(serve):
    site = serve(discovery="none")
    with pytest.raises(SiteError) as caught:
        run(site.url)
    assert caught.value.kind is ErrorKind.NOT_WORDPRESS
    assert site.url in str(caught.value) and "not a WordPress site" in str(caught.value)


def test_a_closed_rest_api_is_reported_as_disabled(serve):
    site = serve(discovery="disabled")
    with pytest.raises(SiteError) as caught:
        run(site.url)
    assert caught.value.kind is ErrorKind.API_DISABLED and "rest_login_required" in str(caught.value)


def test_a_closed_port_fails_at_once_with_the_address():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    with pytest.raises(SiteError) as caught:
        run(address)
    assert caught.value.kind is ErrorKind.UNREACHABLE and address in str(caught.value)
    assert "refused" in str(caught.value).lower()
    assert time.monotonic() - started < 5


def test_an_address_that_is_not_a_web_address():
    with pytest.raises(SiteError) as caught:
        run("ftp://example.com/")
    assert caught.value.kind is ErrorKind.INVALID_ADDRESS


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_an_untrusted_certificate_is_a_tls_error(serve, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    site = serve(tls=context)
    with pytest.raises(SiteError) as caught:
        run(f"https://127.0.0.1:{site.port}/")
    assert caught.value.kind is ErrorKind.TLS and "certificate" in caught.value.reason.lower()


def test_requests_say_who_is_asking(serve):
    site = serve(3)
    run(site.url)
    assert site.agents == {USER_AGENT} and USER_AGENT.startswith("ArticleBrowser/")


# -- redirects ---------------------------------------------------------------------------------------------


def test_a_redirect_within_the_site_is_followed(serve):
    site = serve(5)
    site.redirects["/old-home/"] = "/"
    _, summary = run(site.link("old-home/"))
    assert summary.ok and summary.fetched["posts"] == 5


def test_a_redirect_to_another_host_is_refused(serve):
    site = serve(5)
    other = serve(5, host_alias="localhost")
    site.redirects["/moved/"] = other.url
    with pytest.raises(SiteError) as caught:
        run(site.link("moved/"))
    assert caught.value.kind is ErrorKind.OFFSITE and other.url in str(caught.value)
    assert other.requests == []


def test_an_api_page_redirected_off_the_site_stops_the_sync(serve):
    site = serve(5)
    other = serve(5, host_alias="localhost")
    site.redirects["/wp-json/wp/v2/posts"] = other.link("wp-json/wp/v2/posts")
    pages, summary = run(site.url)
    assert summary.stopped is not None and summary.stopped.kind is ErrorKind.OFFSITE
    assert other.requests == [] and post_ids(pages) == []


@pytest.mark.parametrize(("origin", "target", "same"), [
    ("http://a.example/x", "https://a.example/y", True),
    ("https://a.example/x", "http://a.example/y", False),
    ("https://example.com/", "https://www.example.com/", True),
    ("https://a.example/", "https://b.example/", False),
    ("http://127.0.0.1:8000/", "http://127.0.0.1:8001/", False),
    ("http://127.0.0.1:8000/", "http://localhost:8000/", False),
    ("https://a.example/", "javascript:alert(1)", False),
])
def test_same_site(origin, target, same):
    assert same_site(origin, target) is same


# -- pagination --------------------------------------------------------------------------------------------


def test_pages_follow_x_wp_totalpages(serve):
    site = serve(250)
    pages, summary = run(site.url)
    assert summary.ok and len(post_ids(pages)) == 250
    assert summary.bytes_fetched >= sum(len(i.text.encode()) for p in pages for i in p.items)
    asked = [q for q in site.log("/wp/v2/posts")]
    assert sorted(int(q["page"]) for q in asked) == [1, 2, 3] and {q["per_page"] for q in asked} == {"100"}


def test_pages_follow_rel_next_without_totals(serve):
    site = serve(250)
    site.send_totals = False
    pages, summary = run(site.url)
    assert summary.ok and len(post_ids(pages)) == 250
    assert [q["page"] for q in site.log("/wp/v2/posts")] == ["1", "2", "3"]


def test_the_invalid_page_400_ends_a_collection(serve):
    site = serve(200)
    site.send_totals = site.send_links = False
    pages, summary = run(site.url)
    assert summary.ok, summary.failures
    assert len(post_ids(pages)) == 200
    assert [q["page"] for q in site.log("/wp/v2/posts")] == ["1", "2", "3"]


def test_an_empty_collection(serve):
    site = serve(0, pages=0)
    pages, summary = run(site.url)
    assert summary.ok and post_ids(pages) == [] and summary.fetched.get("posts", 0) == 0


# -- failures and retries ------------------------------------------------------------------------------------


def test_429_waits_as_long_as_retry_after_says(serve):
    site = serve(150)
    site.fail("/wp/v2/posts", 2, [429], Retry_After="1")
    sync_client = client()
    pages, summary = run(site.url, client=sync_client)
    assert summary.ok and len(post_ids(pages)) == 150
    assert sync_client.sleep == [1.0]


def test_429_really_waits(serve):
    site = serve(3)
    site.fail("/wp/v2/posts", 1, [429], Retry_After="1")
    started = time.monotonic()
    _, summary = run(site.url, client=SiteClient())
    assert summary.ok and time.monotonic() - started >= 1.0


def test_a_retry_after_beyond_the_cap_fails_the_page_without_waiting(serve):
    site = serve(150)
    site.fail("/wp/v2/posts", 2, [503], Retry_After="3600")
    sync_client = client(max_wait=60)
    pages, summary = run(site.url, client=sync_client)
    assert sync_client.sleep == []
    (failure,) = summary.failures
    assert failure.status == 503 and "asks to wait 3600 s" in failure.reason
    assert len(post_ids(pages)) == 100


def test_a_passing_5xx_is_retried_with_backoff(serve):
    site = serve(5)
    site.fail("/wp/v2/posts", 1, [502, 503])
    sync_client = client()
    _, summary = run(site.url, client=sync_client)
    assert summary.ok and sync_client.sleep == [1.0, 2.0]


def test_one_failing_page_is_reported_and_the_rest_is_copied_then_resumed(serve):
    site = serve(250)
    site.fail("/wp/v2/posts", 2, [500] * 5)
    pages, summary = run(site.url)
    (failure,) = summary.failures
    assert (failure.collection, failure.status, failure.kind) == ("posts", 500, ErrorKind.HTTP)
    assert "page=2" in failure.url and "tried 5 times" in failure.reason
    assert len(post_ids(pages)) == 150 and summary.fetched["pages"] == 2 and not summary.ok
    before = len(site.requests)
    again, second = run(site.url, summary.state)
    assert second.ok and len(post_ids(again)) == 100
    assert [q["page"] for r, q in site.requests[before:] if r == "/wp/v2/posts" and "_embed" in q] == ["2"]
    assert set(post_ids(pages)) | set(post_ids(again)) == {i for i, p in site.items.items() if p["type"] == "post"}


def test_the_request_limit_stops_the_sync(serve):
    site = serve(250)
    _, summary = run(site.url, client=client(max_requests=6))
    assert summary.stopped is not None and summary.stopped.kind is ErrorKind.REQUEST_LIMIT
    assert summary.requests == 6 and len(site.requests) + 1 == 6  # the home page is not an API request


def test_a_wrong_page_count_ends_at_the_first_page_past_the_end(serve):
    site = serve(150)
    site.claimed_pages = "99999999"
    pages, summary = run(site.url)
    assert summary.ok and len(post_ids(pages)) == 150
    assert len(site.log("/wp/v2/posts")) <= 2 + 3  # two real pages, then at most the requests in flight


def test_a_post_type_that_cannot_be_ordered_by_id_is_listed_in_its_own_order(serve):
    site = serve(3, books=120)
    site.no_orderby.add("/wp/v2/books")
    pages, summary = run(site.url)
    assert summary.ok and len(post_ids(pages, "book")) == 120
    assert "books: the site cannot list it by id; listed in its own order" in summary.notes
    _, second = run(site.url, summary.state)
    assert second.ok


def test_an_oversized_page_fails_alone(serve):
    site = serve(250, content_size=10)
    _, summary = run(site.url, client=client(max_body=200_000))
    assert {f.kind for f in summary.failures} == {ErrorKind.TOO_LARGE}
    assert summary.stopped is None and summary.fetched["pages"] == 2


def test_a_collection_closed_to_visitors_is_a_note_not_a_failure(serve):
    site = serve(5)
    site.users_public = False
    pages, summary = run(site.url)
    assert summary.ok and "users: not public on this site (HTTP 401)" in summary.notes
    assert "secrets: not public on this site (HTTP 401)" in summary.notes
    posts = [classify(i.value, i.text) for p in pages for i in p.items if p.collection.post_type == "post"]
    assert all(p.authors for p in posts)  # named by the embedded author


def test_featured_images_are_fetched_when_not_embedded(serve):
    site = serve(5)
    site.embed_media = False
    pages, _ = run(site.url)
    media = [classify(i.value, i.text) for p in pages if p.collection.name == "media" for i in p.items]
    assert len(media) == 7 and all(isinstance(m, Media) for m in media)  # 5 posts and 2 pages
    (asked,) = site.log("/wp/v2/media")
    assert sorted(int(i) for i in asked["include"].split(",")) == sorted(p["featured_media"]
                                                                          for p in site.items.values())


# -- incremental -------------------------------------------------------------------------------------------


def test_an_unchanged_site_downloads_no_post_again(serve):
    site = serve(250, books=2)
    _, first = run(site.url)
    before = len(site.requests)
    pages, second = run(site.url, first.state)
    assert pages == [] and second.ok and second.removed == {}
    asked = site.requests[before:]
    bodies = [q for _, q in asked if "_fields" not in q and _ not in ("/", "/wp/v2/secrets")]
    assert bodies == []
    # root, types, then per post type: changes since the last sync + a light id listing (3 pages for 250)
    assert second.requests == len(asked) == 2 + (1 + 3) + (1 + 1) + (1 + 1) + 1
    assert second.bytes_fetched < first.bytes_fetched / 20


def test_an_edited_post_is_picked_up(serve):
    site = serve(250)
    _, first = run(site.url)
    site.edit(17, "A new title")
    pages, second = run(site.url, first.state)
    assert titles(pages) == {17: "A new title"} and second.ok


def test_modified_after_is_sent_in_the_sites_local_time(serve):
    site = serve(40, gmt_offset=-10)
    options = SyncOptions(lookback=timedelta(0), check_removed=False)
    _, first = run(site.url, options=options)
    latest = max(p["modified_gmt"] for p in site.items.values() if p["type"] == "post")
    site.edit(3, "Edited after the last sync")
    pages, _ = run(site.url, first.state, options=options)
    (changes,) = [q for q in site.log("/wp/v2/posts") if "modified_after" in q]
    expected = datetime.fromisoformat(latest) - timedelta(hours=10)
    assert changes["modified_after"] == expected.strftime("%Y-%m-%dT%H:%M:%S")
    assert titles(pages) == {3: "Edited after the last sync"}  # a UTC modified_after would have missed it


def test_the_look_back_refetches_nothing_already_known(serve):
    site = serve(40, gmt_offset=5.5)
    _, first = run(site.url)
    before = len(site.requests)
    pages, _ = run(site.url, first.state, options=SyncOptions(lookback=timedelta(days=30)))
    listed = [q for r, q in site.requests[before:] if r == "/wp/v2/posts" and "modified_after" in q]
    assert listed and pages == []


@given(st.text(max_size=40), st.floats(min_value=-14, max_value=14))
def test_local_time_survives_any_time_zone_name(zone, offset):
    moment = local_time("2024-01-01T10:00:00", SiteInfo("", "", "", "", "", offset, zone))
    assert isinstance(moment, datetime)


@given(st.text(max_size=300))
def test_any_html_gives_links_without_error(markup):
    links, generator = html_links(markup)
    assert isinstance(generator, str) and all(isinstance(h, str) for _, h in links)


def test_local_time_uses_the_time_zone_name_with_daylight_saving():
    info = SiteInfo("", "", "", "", "", 1.0, "Europe/Berlin")
    assert local_time("2024-07-01T10:00:00", info) == datetime(2024, 7, 1, 12, 0)
    assert local_time("2024-01-01T10:00:00", info) == datetime(2024, 1, 1, 11, 0)
    fixed = SiteInfo("", "", "", "", "", 5.75, "")
    assert local_time("2024-01-01T10:00:00", fixed) == datetime(2024, 1, 1, 15, 45)
    assert local_time("not a date", fixed) is None


def test_a_deleted_post_is_reported_once(serve):
    site = serve(150)
    _, first = run(site.url)
    site.delete(42)
    pages, second = run(site.url, first.state)
    assert second.removed == {"post": (42,)} and pages == []
    assert 42 not in second.state.ids("/wp/v2/posts")
    _, third = run(site.url, second.state)
    assert third.removed == {}


def test_new_posts_and_their_new_tags_are_fetched(serve):
    site = serve(20)
    _, first = run(site.url)
    site.tags[99] = {"id": 99, "name": "Brand new", "slug": "brand-new", "taxonomy": "post_tag", "count": 1,
                     "description": ""}
    new = site.add("post", tags=[99])
    old = site.add("post", when=datetime(2020, 1, 1))  # published late, modified long ago: only the id listing sees it
    pages, second = run(site.url, first.state)
    assert post_ids(pages) == [new, old] and second.ok
    tags = [i.value for p in pages if p.collection.name == "tags" for i in p.items]
    assert [t["id"] for t in tags] == [99]


def test_a_cancelled_sync_keeps_its_pages_and_resumes(serve):
    site = serve(450)
    cancel = threading.Event()
    stored, saved = [], None
    for event in sync_site(site.url, client=client(), cancel=cancel):
        if isinstance(event, SyncPage):
            stored.extend(i.value["id"] for i in event.items if event.collection.post_type == "post")
            saved = event.state.to_json()  # what the caller commits with the page
            if len(stored) >= 200:
                cancel.set()
        elif isinstance(event, SyncSummary):
            assert event.cancelled and not event.ok
    assert saved is not None and len(stored) == 200
    state = SyncState.from_json(saved)
    before = len(site.requests)
    pages, summary = run(site.url, state)
    assert summary.ok
    pages_asked = [q["page"] for r, q in site.requests[before:] if r == "/wp/v2/posts" and "_embed" in q]
    assert sorted(pages_asked) == ["3", "4", "5"]
    assert sorted(stored + post_ids(pages)) == sorted(i for i, p in site.items.items() if p["type"] == "post")


def test_a_resumed_sync_finds_posts_that_moved_between_pages(serve):
    site = serve(300)
    cancel = threading.Event()
    events = sync_site(site.url, client=client(), cancel=cancel)
    saved = None
    for event in events:
        if isinstance(event, SyncPage) and event.collection.name == "posts":
            saved = event.state.to_json()
            cancel.set()
    first_page = set(json.loads(saved)["collections"]["/wp/v2/posts"]["known"])
    for wp_id in sorted(map(int, first_page))[:10]:  # ten posts of page 1 deleted: page 2 moves up by ten
        site.delete(wp_id)
    pages, summary = run(site.url, SyncState.from_json(saved))
    assert summary.ok
    fetched = set(map(int, first_page)) | set(post_ids(pages))
    assert {i for i, p in site.items.items() if p["type"] == "post"} <= fetched
    assert sorted(summary.removed["post"]) == sorted(map(int, first_page))[:10]


def test_closing_the_generator_stops_it(serve):
    site = serve(450)
    events = sync_site(site.url, client=client())
    for event in events:
        if isinstance(event, SyncPage) and event.collection.name == "posts":
            break
    events.close()
    count = len(site.requests)
    time.sleep(0.2)
    assert len(site.requests) <= count + 3


def test_progress_names_phases_and_collections(serve):
    site = serve(150)
    events = list(sync_site(site.url, client=client()))
    progress = [e for e in events if isinstance(e, SyncProgress)]
    assert progress[0].phase is Phase.CONNECTING
    assert ("posts", 2, 2) in {(p.collection, p.page, p.pages) for p in progress}
    assert progress[-1].items == 150 + 2 + 14 + 3


# -- state -------------------------------------------------------------------------------------------------


def test_state_round_trips_and_rejects_garbage(serve):
    site = serve(5)
    _, summary = run(site.url)
    text = summary.state.to_json()
    assert SyncState.from_json(text) == summary.state
    assert SyncState.from_json(text).to_json() == text
    for bad in ("", "[]", '{"version": 99}', '{"version": 1}', '{"version": 1, "address": "x", "collections": 3}',
                '{"version": 1, "address": "x", "collections": {"/a": {"known": {"x": 1}}}}'):
        with pytest.raises(ValueError):
            SyncState.from_json(bad)


_json_text = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                      max_size=3), max_leaves=12)


@given(_json_text)
def test_any_saved_text_is_a_state_or_a_value_error(value):
    shaped = {"version": 1, "address": "x", "collections": {"/wp/v2/posts": value}}
    for candidate in (value, shaped, {**shaped, "collections": {"/a": {"known": value, "pages_done": value}}}):
        with contextlib.suppress(ValueError):
            SyncState.from_json(json.dumps(candidate))


def test_a_state_from_another_site_starts_afresh(serve):
    site = serve(5)
    _, summary = run(site.url)
    other = serve(7)
    pages, second = run(other.url, summary.state)
    assert len(post_ids(pages)) == 7 and second.state.site == f"127.0.0.1:{other.port}"


# -- parsing what comes from outside -----------------------------------------------------------------------

_token = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-./:", min_size=1, max_size=30)


@given(st.lists(st.tuples(_token, _token), max_size=5))
def test_link_headers_round_trip(links):
    header = ", ".join(f'<https://example.com/{url}>; rel="{rel}"' for url, rel in links)
    assert [(u, p["rel"]) for u, p in parse_link_header(header)] == [(f"https://example.com/{u}", r) for u, r in links]


@given(st.text(max_size=200))
def test_any_link_header_parses_without_error(header):
    for url, params in parse_link_header(header):
        assert isinstance(url, str) and all(isinstance(v, str) for v in params.values())


def test_link_header_forms():
    header = '<https://a/wp-json/>; rel="https://api.w.org/", <https://a/?p=1>; rel=shortlink; title="x, y"'
    assert parse_link_header(header) == [("https://a/wp-json/", {"rel": "https://api.w.org/"}),
                                         ("https://a/?p=1", {"rel": "shortlink", "title": "x, y"})]
    assert parse_link_header("garbage, <https://b/>; REL=next") == [("https://b/", {"rel": "next"})]


@given(st.text(max_size=60))
def test_any_retry_after_is_none_or_a_wait(value):
    wait = parse_retry_after(value)
    assert wait is None or wait >= 0


@given(st.integers(min_value=0, max_value=10**12))
def test_retry_after_seconds(seconds):
    assert parse_retry_after(f" {seconds} ") == min(seconds, 10**9)


@given(st.integers(min_value=0, max_value=10**6))
def test_retry_after_http_date(seconds):
    now = datetime(2024, 6, 1, tzinfo=UTC)
    stamp = format_datetime(now + timedelta(seconds=seconds), usegmt=True)
    assert parse_retry_after(stamp, now) == seconds
    assert parse_retry_after(format_datetime(now - timedelta(seconds=seconds), usegmt=True), now) == 0


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                     max_leaves=10)


@given(st.lists(_json, max_size=6), st.sampled_from([None, 0, 2]), st.booleans())
def test_split_array_gives_each_items_exact_text(values, indent, ascii_only):
    text = json.dumps(values, indent=indent, ensure_ascii=ascii_only)
    items = split_array(text)
    assert [i.value for i in items] == values
    assert all(json.loads(i.text) == i.value and i.text in text for i in items)


@pytest.mark.parametrize("text", ["", "{}", "[1,", "[1 2]", "[1] x", "<html>"])
def test_split_array_rejects_what_is_not_a_list(text):
    with pytest.raises(ValueError):
        split_array(text)
