"""A stand-in WordPress site served from 127.0.0.1 by http.server in a thread: never the internet.

It answers the REST API the way WordPress does where a sync depends on it: discovery by Link header,
``<link>`` tag, ``/wp-json/`` or plain permalinks (``?rest_route=``); ``per_page``/``page`` with
``X-WP-Total``/``X-WP-TotalPages`` and ``Link: rel="next"``; a 400 ``rest_post_invalid_page_number`` past the
end; ``include``, ``_fields``, ``_embed``, ``orderby=id``; and ``modified_after`` compared with the posts'
site-LOCAL ``modified``, as WordPress compares it with ``post_modified``. Faults (429, 500…) and redirects
are injected per request.

    python -m tests.core.wpserver --posts 10000     # serve a generated site until killed (benchmarks)
"""

from __future__ import annotations

import argparse
import json
import ssl
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API = "https://api.w.org/"
START = datetime(2024, 6, 1, 12, 0, 0)
TYPES = {"posts": "post", "pages": "page", "books": "book"}
PARAGRAPH = ("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
             "labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco.</p>\n")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class Fault:
    statuses: list[int]
    headers: dict[str, str] = field(default_factory=dict)


class WordPressSite:
    """The site's data, its behaviour switches and a log of the requests it answered."""

    def __init__(self, posts: int = 30, *, pages: int = 2, books: int = 0, gmt_offset: float = 2.0,
                 discovery: str = "link", content_size: int = 1, host_alias: str = "127.0.0.1") -> None:
        self.gmt_offset = gmt_offset
        self.discovery = discovery  # link | tag | wp-json | plain | none | disabled
        self.host_alias = host_alias
        self.send_totals = True
        self.send_links = True
        self.embed_media = True
        self.users_public = True
        self.no_orderby: set[str] = set()  # routes whose controller rejects orderby=id (rest_invalid_param)
        self.claimed_pages: str | None = None  # an X-WP-TotalPages to send instead of the truth
        self.now = START
        self.lock = threading.Lock()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.agents: set[str] = set()
        self.faults: dict[tuple[str, int | None], Fault] = {}
        self.redirects: dict[str, str] = {}
        site = self

        class Handler(_Handler):
            wp = site

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # bound now: links name its port
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.categories = {i: {"id": i, "name": f"Category {i}", "slug": f"cat-{i}", "taxonomy": "category",
                               "parent": 0 if i < 3 else 1, "count": 0, "description": ""} for i in range(1, 5)}
        self.tags = {i: {"id": i, "name": f"Tag {i}", "slug": f"tag-{i}", "taxonomy": "post_tag", "count": 0,
                         "description": ""} for i in range(10, 20)}
        self.users = {i: {"id": i, "name": f"Writer {i}", "slug": f"writer-{i}", "description": "",
                          "avatar_urls": {"24": "https://example.invalid/a.png"}} for i in (1, 2, 3)}
        self.media: dict[int, dict[str, Any]] = {}
        self.items: dict[int, dict[str, Any]] = {}
        self._cache: dict[tuple[int, bool], str] = {}
        self.content = PARAGRAPH * content_size
        for n in range(posts):
            self.add("post", when=START - timedelta(hours=n + 1))
        for n in range(pages):
            self.add("page", when=START - timedelta(days=n + 1))
        for n in range(books):
            self.add("book", when=START - timedelta(days=n + 1, hours=3))

    # -- data ---------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host_alias}:{self.port}/"

    def link(self, path: str) -> str:
        return f"{self.url}{path.lstrip('/')}"

    def add(self, kind: str = "post", when: datetime | None = None, tags: list[int] | None = None) -> int:
        wp_id = max(self.items, default=0) + 1
        when = when or self.tick()
        local = when + timedelta(hours=self.gmt_offset)
        media_id = wp_id + 1_000_000
        self.media[media_id] = {"id": media_id, "type": "attachment", "media_type": "image", "mime_type": "image/png",
                                "source_url": self.link(f"wp-content/uploads/{media_id}.png"), "alt_text": "",
                                "caption": {"rendered": ""}, "media_details": {"width": 640, "height": 480},
                                "link": self.link(f"attachment/{media_id}/")}
        self.items[wp_id] = {
            "id": wp_id, "date": _iso(local), "date_gmt": _iso(when), "modified": _iso(local),
            "modified_gmt": _iso(when), "slug": f"{kind}-{wp_id}", "status": "publish", "type": kind,
            "link": self.link(f"{kind}-{wp_id}/"), "title": {"rendered": f"{kind.title()} number {wp_id} &#8217;s"},
            "content": {"rendered": f"<p>Body of {wp_id}.</p>\n{self.content}", "protected": False},
            "excerpt": {"rendered": f"<p>Excerpt {wp_id}</p>", "protected": False},
            "author": 1 + wp_id % 3, "featured_media": media_id, "sticky": False,
            **({"categories": [1 + wp_id % 4], "tags": tags or [10 + wp_id % 10]} if kind == "post" else {}),
        }
        return wp_id

    def tick(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now

    def edit(self, wp_id: int, title: str) -> None:
        with self.lock:
            when = self.tick()
            item = self.items[wp_id]
            item["title"] = {"rendered": title}
            item["modified_gmt"] = _iso(when)
            item["modified"] = _iso(when + timedelta(hours=self.gmt_offset))
            self._cache = {k: v for k, v in self._cache.items() if k[0] != wp_id}

    def delete(self, wp_id: int) -> None:
        with self.lock:
            del self.items[wp_id]

    def fail(self, route: str, page: int | None, statuses: list[int], **headers: str) -> None:
        """Answer the next requests for ``route`` (and ``page``; None: any) with these statuses, in turn."""
        self.faults[(route, page)] = Fault(list(statuses), {k.replace("_", "-"): v for k, v in headers.items()})

    def log(self, route: str | None = None) -> list[dict[str, str]]:
        return [q for r, q in self.requests if route is None or r == route]

    # -- serving ------------------------------------------------------------------------------------------
    def serve(self, tls: ssl.SSLContext | None = None) -> tuple[ThreadingHTTPServer, threading.Thread]:
        server = self.server
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        return server, thread

    def api_base(self) -> str:
        return f"{self.url}?rest_route=/" if self.discovery == "plain" else f"{self.url}wp-json/"

    def route_url(self, route: str, query: dict[str, str]) -> str:
        from urllib.parse import urlencode
        if self.discovery == "plain":
            return f"{self.url}?{urlencode({'rest_route': route, **query})}"
        return f"{self.url}wp-json{route}?{urlencode(query)}"


class _Handler(BaseHTTPRequestHandler):
    wp: WordPressSite
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        site = self.wp
        site.agents.add(self.headers.get("User-Agent", ""))
        if parts.path in site.redirects:
            return self.send(302, b"", "text/plain", {"Location": site.redirects[parts.path]})
        route = None
        if parts.path.startswith("/wp-json") and site.discovery not in ("plain", "none"):
            route = parts.path[len("/wp-json"):] or "/"
        elif "rest_route" in query and site.discovery not in ("none",):
            route = query.pop("rest_route")
        if route is None:
            return self.home(parts.path)
        with site.lock:
            site.requests.append((route, dict(query)))
            fault = site.faults.get((route, int(query.get("page", "1")))) or site.faults.get((route, None))
            status = fault.statuses.pop(0) if fault and fault.statuses else None
        if status is not None and fault is not None:
            body = json.dumps({"code": "fault", "message": "injected", "data": {"status": status}}).encode()
            return self.send(status, body, "application/json", fault.headers)
        if site.discovery == "disabled":
            body = json.dumps({"code": "rest_login_required", "message": "REST API restricted to logged-in users.",
                               "data": {"status": 401}}).encode()
            return self.send(401, body, "application/json")
        with site.lock:
            status, value, headers = _Api(site).answer(route, query)
        body = value if isinstance(value, bytes) else json.dumps(value, ensure_ascii=False).encode()
        self.send(status, body, "application/json; charset=UTF-8", headers)

    def home(self, path: str) -> None:
        site = self.wp
        headers: dict[str, str] = {}
        head = ""
        if site.discovery in ("link", "disabled"):
            headers["Link"] = f'<{site.api_base()}>; rel="{API}", <{site.url}?p=1>; rel=shortlink'
        elif site.discovery == "tag":
            head = f"<link rel='{API}' href='{site.api_base()}' />"
        elif site.discovery in ("wp-json", "plain"):
            head = '<meta name="generator" content="WordPress 6.5" />'
        if site.discovery == "none" and path != "/":
            return self.send(404, b"<html><body>Not found</body></html>", "text/html")
        page = f"<!DOCTYPE html><html><head><title>Home</title>{head}</head><body><p>Hello</p></body></html>"
        self.send(200, page.encode(), "text/html; charset=UTF-8", headers)

    def send(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


def _error(status: int, code: str, message: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    return status, {"code": code, "message": message, "data": {"status": status}}, {}


class _Api:
    def __init__(self, site: WordPressSite) -> None:
        self.site = site

    def answer(self, route: str, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        site = self.site
        if route in ("/", ""):
            return 200, _fields(self.index(), query), {}
        if route == "/wp/v2/types":
            return 200, {slug: _fields(entry, query) for slug, entry in self.types().items()}, {}
        if route in ("/wp/v2/blocks", "/wp/v2/secrets"):
            return _error(401, "rest_cannot_read", "Sorry, you are not allowed to read blocks.")
        if route == "/wp/v2/users" and not site.users_public:
            return _error(401, "rest_user_cannot_view", "Sorry, you are not allowed to list users.")
        base = route.removeprefix("/wp/v2/")
        sources: dict[str, dict[int, dict[str, Any]]] = {
            "categories": site.categories, "tags": site.tags, "users": site.users, "media": site.media}
        if base in TYPES:
            rows = [p for p in site.items.values() if p["type"] == TYPES[base]]
        elif base in sources:
            rows = list(sources[base].values())
        else:
            return _error(404, "rest_no_route", "No route was found matching the URL and request method.")
        return self.collection(route, rows, query, is_posts=base in TYPES)

    def collection(self, route: str, rows: list[dict[str, Any]], query: dict[str, str],
                   is_posts: bool) -> tuple[int, Any, dict[str, str]]:
        per_page, page = int(query.get("per_page", "10")), int(query.get("page", "1"))
        if not 1 <= per_page <= 100:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        if route in self.site.no_orderby and "orderby" in query:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): orderby")
        if "include" in query:
            wanted = {int(i) for i in query["include"].split(",") if i}
            rows = [r for r in rows if r["id"] in wanted]
        if is_posts and "modified_after" in query:  # WordPress compares with the LOCAL post_modified
            after = datetime.fromisoformat(query["modified_after"])
            rows = [r for r in rows if datetime.fromisoformat(r["modified"]) > after]
        order_by = query.get("orderby", "date" if is_posts else "id")
        key = (lambda r: r["date_gmt"]) if order_by == "date" else (lambda r: r["id"])
        rows.sort(key=key, reverse=query.get("order", "desc" if is_posts else "asc") == "desc")
        total = len(rows)
        pages = -(-total // per_page)
        if page > max(pages, 1) or (page > pages and total):
            return _error(400, "rest_post_invalid_page_number",
                          "The page number requested is larger than the number of pages available.")
        chosen = rows[(page - 1) * per_page : page * per_page]
        headers: dict[str, str] = {}
        if self.site.send_totals:
            headers.update({"X-WP-Total": str(total), "X-WP-TotalPages": self.site.claimed_pages or str(pages)})
        if self.site.send_links and page < pages:
            headers["Link"] = f'<{self.site.route_url(route, {**query, "page": str(page + 1)})}>; rel="next"'
        if "_fields" in query:
            return 200, [_fields(r, query) for r in chosen], headers
        embed = "_embed" in query
        texts = [self.text(r, embed) if is_posts else json.dumps(self.decorate(r), ensure_ascii=False)
                 for r in chosen]
        return 200, ("[" + ",".join(texts) + "]").encode(), headers

    def text(self, row: dict[str, Any], embed: bool) -> str:
        key = (row["id"], embed)
        cached = self.site._cache.get(key)
        if cached is None:
            value = dict(row)
            if embed:
                value["_embedded"] = self.embedded(row)
            cached = self.site._cache[key] = json.dumps(value, ensure_ascii=False)
        return cached

    def decorate(self, row: dict[str, Any]) -> dict[str, Any]:
        if "taxonomy" in row:
            return {**row, "link": self.site.link(f"{row['taxonomy']}/{row['slug']}/")}
        if "avatar_urls" in row:
            return {**row, "link": self.site.link(f"author/{row['slug']}/")}
        return row

    def embedded(self, row: dict[str, Any]) -> dict[str, Any]:
        site = self.site
        out: dict[str, Any] = {"author": [self.decorate(site.users[row["author"]])]}
        if row["type"] == "post":
            out["wp:term"] = [[self.decorate(site.categories[i]) for i in row["categories"] if i in site.categories],
                              [self.decorate(site.tags[i]) for i in row["tags"] if i in site.tags]]
        if site.embed_media and row.get("featured_media") in site.media:
            out["wp:featuredmedia"] = [site.media[row["featured_media"]]]
        return out

    def index(self) -> dict[str, Any]:
        site = self.site
        return {"name": "Stand-in Site", "description": "A test", "url": site.url.rstrip("/"),
                "home": site.url.rstrip("/"), "gmt_offset": site.gmt_offset, "timezone_string": "",
                "namespaces": ["oembed/1.0", "wp/v2"], "authentication": [],
                "routes": {"/wp/v2/posts": {"methods": ["GET"]}}}

    def types(self) -> dict[str, dict[str, Any]]:
        entries = {"post": "posts", "page": "pages", "attachment": "media", "wp_block": "blocks", "book": "books",
                   "secret": "secrets"}
        return {slug: {"slug": slug, "name": slug.title(), "rest_base": base, "rest_namespace": "wp/v2"}
                for slug, base in entries.items()}


def _fields(value: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    if "_fields" not in query:
        return value
    names = query["_fields"].split(",")
    return {k: v for k, v in value.items() if k in names}


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a stand-in WordPress site on 127.0.0.1")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--paragraphs", type=int, default=45, help="paragraphs of text per post (~170 bytes each)")
    args = parser.parse_args()
    site = WordPressSite(args.posts, pages=20, content_size=args.paragraphs)
    server, _ = site.serve()
    print(site.url, flush=True)
    try:
        threading.Event().wait()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
