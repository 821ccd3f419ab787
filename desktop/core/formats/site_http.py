"""HTTP for live WordPress sites: a polite, bounded urllib3 client, header parsing, and REST API discovery.

``SiteClient.get`` fetches one URL: TLS verified, a clear User-Agent, timeouts, redirects followed only within
the same site, 429 and 5xx retried with back-off that honours ``Retry-After``, a bounded body and a bounded
number of requests. Every failure is a ``SiteError`` whose ``kind`` says what went wrong and whose message
names the URL. ``discover`` finds a site's REST API root from any address on the site and reads its index.
"""

from __future__ import annotations

import email.utils
import html.parser
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import urllib3
from desktop import __version__
from urllib3 import exceptions as u3

USER_AGENT = f"ArticleBrowser/{__version__} (+offline reader)"
API_REL = "https://api.w.org/"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 256 << 10


class ErrorKind(Enum):
    """What kind of failure a ``SiteError`` is."""

    INVALID_ADDRESS = "invalid_address"  # not an http(s) address
    UNREACHABLE = "unreachable"  # no such host, connection refused or dropped
    TIMEOUT = "timeout"  # the site stopped answering
    TLS = "tls"  # the certificate or the TLS handshake failed
    HTTP = "http"  # an HTTP status the sync cannot use (after retries for 429 and 5xx)
    OFFSITE = "offsite"  # a redirect or API link to another site
    TOO_LARGE = "too_large"  # a response over the size limit
    REQUEST_LIMIT = "request_limit"  # the sync made as many requests as it may
    NOT_WORDPRESS = "not_wordpress"  # no REST API found and nothing says WordPress
    API_DISABLED = "api_disabled"  # WordPress, but its REST API is closed to visitors
    BAD_RESPONSE = "bad_response"  # an answer that is not the JSON the REST API sends


FATAL_KINDS = frozenset({ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT, ErrorKind.TLS, ErrorKind.REQUEST_LIMIT,
                         ErrorKind.OFFSITE, ErrorKind.INVALID_ADDRESS})
"""Kinds after which further requests to the site are pointless: the sync stops instead of trying every page."""


class SiteError(Exception):
    """A site could not be read; ``str()`` is ``"<url>: <reason>"``."""

    def __init__(self, kind: ErrorKind, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.kind = kind
        self.url = url
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Limits:
    """How patient and how bounded a client is."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_body: int = 64 << 20  # bytes per response
    max_requests: int = 50_000  # per client (one sync)
    retries: int = 4  # for 429, 5xx, read timeouts and dropped connections
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    max_wait: float = 120.0  # the longest Retry-After honoured; a longer one fails the request
    max_redirects: int = 5


@dataclass(frozen=True)
class Response:
    """A complete response: where it finally came from, its status, headers and body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        """A 2xx status."""
        return 200 <= self.status < 300

    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced)."""
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as JSON; a ``SiteError`` (bad_response) when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise SiteError(ErrorKind.BAD_RESPONSE, self.url, "the answer is not JSON", self.status) from None

    def error_code(self) -> str | None:
        """The ``code`` of a WordPress error object in the body, if it is one."""
        try:
            value = json.loads(self.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        return value["code"] if isinstance(value, dict) and isinstance(value.get("code"), str) else None


@dataclass
class SiteClient:
    """A urllib3 client for one sync: counts requests and bytes, safe to share between a few threads."""

    limits: Limits = field(default_factory=Limits)
    sleep: Callable[[float], None] = time.sleep
    user_agent: str = USER_AGENT
    pool: urllib3.PoolManager | None = None
    requests: int = 0
    bytes_fetched: int = 0  # body bytes as they came over the wire (compressed, if the site compressed them)

    def __post_init__(self) -> None:
        if self.pool is None:
            self.pool = urllib3.PoolManager(num_pools=4, maxsize=4, cert_reqs="CERT_REQUIRED")
        self._lock = threading.Lock()

    def get(self, url: str, accept: str = "application/json") -> Response:
        """GET ``url``, following redirects within the site and retrying 429/5xx; any other status is returned.

        Raises ``SiteError`` when the site cannot be reached, a redirect leaves the site, the body is too
        large, the request budget is spent, or 429/5xx persist after the retries.
        """
        current = url
        for _ in range(self.limits.max_redirects + 1):
            response = self._with_retries(current, accept)
            if response.status not in REDIRECT_STATUSES:
                return response
            location = response.headers.get("Location")
            if not location:
                return response
            target = urljoin(current, location.strip())
            if not same_site(current, target):
                raise SiteError(ErrorKind.OFFSITE, url, f"redirected to another site ({target}); not followed")
            current = target
        raise SiteError(ErrorKind.HTTP, url, f"more than {self.limits.max_redirects} redirects")

    def _with_retries(self, url: str, accept: str) -> Response:
        attempt = 0
        while True:
            try:
                response = self._once(url, accept)
            except SiteError as error:
                if (error.kind is not ErrorKind.TIMEOUT and error.status != -1) or attempt >= self.limits.retries:
                    raise
                if attempt or error.status != -1:  # a kept-alive connection the site closed: retry at once
                    self.sleep(self._backoff(attempt))
                attempt += 1
                continue
            if response.status not in RETRY_STATUSES:
                return response
            wait = parse_retry_after(response.headers.get("Retry-After"))
            if wait is not None and wait > self.limits.max_wait:
                raise SiteError(ErrorKind.HTTP, url, f"HTTP {response.status}: the site asks to wait {wait:.0f} s; "
                                "try again later", response.status)
            if attempt >= self.limits.retries:
                raise SiteError(ErrorKind.HTTP, url, f"HTTP {response.status} {_reason(response.status)} "
                                f"(tried {attempt + 1} times)", response.status)
            self.sleep(wait if wait is not None else self._backoff(attempt))
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        return float(min(self.limits.backoff * 2**attempt, self.limits.max_wait))

    def _count(self, requests: int = 0, size: int = 0) -> None:
        with self._lock:
            self.requests += requests
            self.bytes_fetched += size

    def _once(self, url: str, accept: str) -> Response:
        if self.requests >= self.limits.max_requests:
            raise SiteError(ErrorKind.REQUEST_LIMIT, url, f"stopped after {self.limits.max_requests} requests")
        self._count(requests=1)
        headers = {"User-Agent": self.user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
        timeout = urllib3.Timeout(connect=self.limits.connect_timeout, read=self.limits.read_timeout)
        assert self.pool is not None
        try:
            raw = self.pool.request("GET", url, headers=headers, redirect=False, retries=False,
                                    preload_content=False, timeout=timeout)
        except u3.LocationValueError:
            raise SiteError(ErrorKind.INVALID_ADDRESS, url, "not a valid web address") from None
        except u3.HTTPError as error:
            raise _classify(url, error) from None
        try:
            body = self._read(url, raw)
        except u3.HTTPError as error:
            raw.close()
            raise _classify(url, error) from None
        except BaseException:
            raw.close()
            raise
        raw.release_conn()
        return Response(url, raw.status, raw.headers, body)

    def _read(self, url: str, raw: urllib3.BaseHTTPResponse) -> bytes:
        declared = raw.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.limits.max_body:
            raise SiteError(ErrorKind.TOO_LARGE, url, f"the answer is {int(declared):,} bytes, over the limit "
                            f"of {self.limits.max_body:,}")
        chunks: list[bytes] = []
        total = 0
        for chunk in raw.stream(_CHUNK):
            total += len(chunk)
            if total > self.limits.max_body:
                raise SiteError(ErrorKind.TOO_LARGE, url, f"the answer is over the limit of "
                                f"{self.limits.max_body:,} bytes")
            chunks.append(chunk)
        self._count(size=raw.tell())
        return b"".join(chunks)


def _classify(url: str, error: u3.HTTPError) -> SiteError:
    """The ``SiteError`` for a urllib3 exception (status -1 marks a dropped connection, which is retried)."""
    if isinstance(error, u3.SSLError):
        return SiteError(ErrorKind.TLS, url, f"secure connection failed ({_inner(error)})")
    if isinstance(error, u3.NameResolutionError):
        return SiteError(ErrorKind.UNREACHABLE, url, "no such host (the name does not resolve)")
    if isinstance(error, u3.NewConnectionError):
        return SiteError(ErrorKind.UNREACHABLE, url, f"cannot connect ({_inner(error)})")
    if isinstance(error, u3.TimeoutError):
        return SiteError(ErrorKind.TIMEOUT, url, "the site did not answer in time")
    if isinstance(error, (u3.ProtocolError, u3.DecodeError)):
        return SiteError(ErrorKind.UNREACHABLE, url, f"the connection broke ({_inner(error)})", -1)
    return SiteError(ErrorKind.UNREACHABLE, url, str(error))


def _inner(error: BaseException) -> str:
    """The most specific description in an exception chain: the OS error's words when there is one."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.strerror:
            return str(seen.strerror)
        nested = seen.args[1] if len(seen.args) > 1 and isinstance(seen.args[1], BaseException) else None
        seen = nested or seen.__cause__ or seen.__context__
    return str(error).rpartition(": ")[2] or type(error).__name__


def _reason(status: int) -> str:
    return next((s.phrase for s in HTTPStatus if s.value == status), "")


def _site_key(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = -1
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), host, None if port == default else port


def same_site(origin: str, target: str) -> bool:
    """Whether ``target`` is on the site of ``origin``: same host (``www.`` aside) and port, or http → https."""
    scheme, host, port = _site_key(origin)
    new_scheme, new_host, new_port = _site_key(target)
    if not host or host != new_host or new_scheme not in ("http", "https"):
        return False
    if new_scheme == scheme:
        return port == new_port
    return scheme == "http" and new_port is None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP date); None when unusable."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(min(int(text), 10**9))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


_LINK = re.compile(r'\s*<([^>]*)>((?:\s*;\s*[^\s;,=]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^\s;,"]*))?)*)\s*(?:,|$)')
_PARAM = re.compile(r';\s*([^\s;,=]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;,"]*)))?')


def parse_link_header(value: str) -> list[tuple[str, dict[str, str]]]:
    """The links of an HTTP ``Link`` header (RFC 8288): ``[(url, {"rel": "next", …}), …]``.

    Parameter names are lower-cased; malformed parts are skipped rather than guessed at.
    """
    links: list[tuple[str, dict[str, str]]] = []
    position = 0
    while position < len(value):
        match = _LINK.match(value, position)
        if match is None or match.end() == position:
            next_comma = value.find(",", position)
            if next_comma < 0:
                break
            position = next_comma + 1
            continue
        params = {m[1].lower(): re.sub(r"\\(.)", r"\1", m[2]) if m[2] is not None else (m[3] or "")
                  for m in _PARAM.finditer(match[2])}
        links.append((match[1].strip(), params))
        position = match.end()
    return links


def link_with_rel(value: str | None, rel: str, base: str) -> str | None:
    """The absolute URL of the first link in a ``Link`` header whose ``rel`` includes ``rel``."""
    for url, params in parse_link_header(value or ""):
        if rel in params.get("rel", "").lower().split():
            return urljoin(base, url)
    return None


class _LinkTags(html.parser.HTMLParser):
    """Finds ``<link rel=… href=…>`` and the generator ``<meta>`` in an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.generator = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "link" and values.get("href"):
            self.links.append((values.get("rel", "").lower(), values["href"]))
        elif tag == "meta" and values.get("name", "").lower() == "generator":
            self.generator = values.get("content", "")


def html_links(markup: str) -> tuple[list[tuple[str, str]], str]:
    """The (rel, href) of every ``<link>`` in the first 1 MB of an HTML page, and its generator meta."""
    parser = _LinkTags()
    try:
        parser.feed(markup[: 1 << 20])
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        pass
    return parser.links, parser.generator


# -- the REST API root --------------------------------------------------------------------------------------


def api_url(root: str, route: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """The URL of ``route`` (``/wp/v2/posts``) under an API root: ``…/wp-json/`` or ``…/?rest_route=/``."""
    parts = urlsplit(root)
    query = parse_qsl(parts.query, keep_blank_values=True)
    extra = list(params)
    if any(k == "rest_route" for k, _ in query):
        query = [(k, v) for k, v in query if k != "rest_route"]
        return urlunsplit(parts._replace(query=urlencode([("rest_route", route), *query, *extra], safe="/,:")))
    path = parts.path.rstrip("/") + route
    return urlunsplit(parts._replace(path=path, query=urlencode([*query, *extra], safe="/,:")))


def normalise_address(address: str) -> str:
    """An address as typed (``example.com/blog``) → an absolute URL (``https://example.com/blog``)."""
    text = address.strip()
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SiteError(ErrorKind.INVALID_ADDRESS, address, "not a web address (http:// or https://)")
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), path=parts.path or "/", fragment=""))


@dataclass(frozen=True)
class SiteInfo:
    """What a site's REST API index says about it."""

    address: str  # the address the user gave, made absolute
    api_root: str  # ``https://example.com/wp-json/`` or ``https://example.com/?rest_route=/``
    site: str  # the host (and port) the site's links use: the ``site`` of its records
    name: str
    home: str
    gmt_offset: float  # hours east of UTC (WordPress allows halves and quarters)
    timezone: str  # IANA name, "" when the site uses a fixed offset


ROOT_FIELDS = "name,description,url,home,gmt_offset,timezone_string,namespaces"


def read_root(client: SiteClient, root: str, address: str) -> SiteInfo:
    """Fetch and check the REST index at ``root``; ``SiteError`` (api_disabled…) when it is not usable."""
    response = client.get(api_url(root, "/", [("_fields", ROOT_FIELDS)]))
    index = _root_index(response)
    if index is None:
        code = response.error_code()
        if code is not None or response.status in (401, 403):
            raise SiteError(ErrorKind.API_DISABLED, response.url, f"the REST API is closed to visitors "
                            f"(HTTP {response.status}{', ' + code if code else ''})", response.status)
        raise SiteError(ErrorKind.NOT_WORDPRESS, response.url, f"no WordPress REST API here (HTTP {response.status})",
                        response.status)
    if "wp/v2" not in index.get("namespaces", []):
        raise SiteError(ErrorKind.API_DISABLED, response.url, "the REST API does not offer posts (no wp/v2)")
    home = index.get("home") or index.get("url")
    home = home if isinstance(home, str) and home else address
    try:
        offset = float(index.get("gmt_offset") or 0)
    except (TypeError, ValueError):
        offset = 0.0
    zone = index.get("timezone_string")
    return SiteInfo(address, root, urlsplit(home).netloc.lower() or urlsplit(address).netloc.lower(),
                    str(index.get("name") or ""), home, offset, zone if isinstance(zone, str) else "")


def _root_index(response: Response) -> dict[str, Any] | None:
    if not response.ok:
        return None
    try:
        value = response.json()
    except SiteError:
        return None
    if isinstance(value, dict) and isinstance(value.get("namespaces"), list):
        return value
    return None


def discover(client: SiteClient, address: str) -> SiteInfo:
    """Find the REST API of the WordPress site at ``address`` (any page of it) and read its index.

    In order: the page's ``Link: <…>; rel="https://api.w.org/"`` header, its ``<link rel="https://api.w.org/">``,
    then ``wp-json/`` and ``?rest_route=/`` under the site's root and under the address's folder.
    """
    url = normalise_address(address)
    page: Response | None = None
    try:
        page = client.get(url, accept="text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8")
    except SiteError as error:
        if error.kind in FATAL_KINDS:
            raise
    candidates, looks_wordpress = _candidates(url, page)
    first_problem: SiteError | None = None
    for root in candidates:
        root = _secure_like(root, page.url if page is not None else url)
        if not same_site(url, root):
            raise SiteError(ErrorKind.OFFSITE, url, f"its REST API is on another site ({root}); not followed")
        try:
            return read_root(client, root, url)
        except SiteError as error:
            if error.kind in FATAL_KINDS:
                raise
            if first_problem is None or error.kind is ErrorKind.API_DISABLED:
                first_problem = error
    if looks_wordpress or (first_problem is not None and first_problem.kind is ErrorKind.API_DISABLED):
        reason = first_problem.reason if first_problem is not None else "its REST API does not answer"
        raise SiteError(ErrorKind.API_DISABLED, url, f"a WordPress site, but {reason}")
    status = f" (HTTP {page.status})" if page is not None and not page.ok else ""
    raise SiteError(ErrorKind.NOT_WORDPRESS, url, f"not a WordPress site: no REST API found{status}")


def _secure_like(root: str, reference: str) -> str:
    """``root`` over https when the page that named it came over https from the same host.

    Sites behind a TLS proxy often still announce ``http://`` links; following them would leave https.
    """
    parts, ref = urlsplit(root), urlsplit(reference)
    if parts.scheme == "http" and ref.scheme == "https" and parts.hostname == ref.hostname and parts.port is None:
        return urlunsplit(parts._replace(scheme="https"))
    return root


def _candidates(url: str, page: Response | None) -> tuple[list[str], bool]:
    """API roots to try, best first, and whether the page looks like WordPress at all."""
    found: list[str] = []
    looks_wordpress = False
    if page is not None:
        base = page.url
        if _root_index(page) is not None:
            found.append(base)
        header = link_with_rel(page.headers.get("Link"), API_REL, base)
        if header:
            found.append(header)
        if "html" in page.headers.get("Content-Type", ""):
            text = page.text()
            links, generator = html_links(text)
            found.extend(urljoin(base, href) for rel, href in links if API_REL in rel.split())
            looks_wordpress = generator.lower().startswith("wordpress") or "/wp-content/" in text
        looks_wordpress = looks_wordpress or bool(header)
    parts = urlsplit(url)
    folder = parts.path[: parts.path.rfind("/") + 1] or "/"
    folders = list(dict.fromkeys(("/", folder)))  # the site's root first; then a WordPress in a sub-folder
    found.extend(urlunsplit((parts.scheme, parts.netloc, path + "wp-json/", "", "")) for path in folders)
    found.extend(urlunsplit((parts.scheme, parts.netloc, path, "rest_route=/", "")) for path in folders)
    return list(dict.fromkeys(found)), looks_wordpress
