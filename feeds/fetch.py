"""Fetch a partner's calendar over HTTP, defensively. No request, no database.

The URL comes from a partner editor, so it is untrusted: only http(s), every address the
host name resolves to must be public (unless private addresses are allowed, for tests and
intranets), the connection goes to the address that was checked (no second DNS lookup to
rebind), redirects are followed by hand up to a limit and checked the same way, and the body
is read up to a size limit within an overall deadline.
"""

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.utils.translation import gettext as _

ACCEPTED_TYPES = {
    "text/calendar",
    "application/calendar",
    "application/ics",
    "application/x-ics",
    "text/x-vcalendar",
    # Many web servers and file hosts do not know .ics; the body is checked anyway.
    "text/plain",
    "application/octet-stream",
}
USER_AGENT = "Wijktour-feed-import/1.0 (+https://wijktour.nl)"


class FetchError(Exception):
    """Why a feed could not be fetched, in words a partner editor understands (`code` for
    code that needs to tell cases apart)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FetchResult:
    not_modified: bool
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    final_url: str = ""


def public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to, after checking every address the name has."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(
            "dns", _("The server name %(host)s could not be found.") % {"host": host}
        ) from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchError("dns", _("The server name %(host)s could not be found.") % {"host": host})
    if not allow_private and not all(public_address(a) for a in addresses):
        raise FetchError(
            "private_address",
            _(
                "%(host)s points to a private or local network address; only public internet "
                "addresses can be fetched."
            )
            % {"host": host},
        )
    return addresses[0]


class PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def read_limited(response: http.client.HTTPResponse, *, max_bytes: int, deadline: float) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", too_large_message(max_bytes))
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError("timeout", _("The server took too long to send the calendar."))
        chunk = response.read(65536)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too_large", too_large_message(max_bytes))
        chunks.append(chunk)
    body = b"".join(chunks)
    if (response.getheader("Content-Encoding") or "").lower() == "gzip":
        body = gunzip_limited(body, max_bytes=max_bytes)
    return body


def gunzip_limited(body: bytes, *, max_bytes: int) -> bytes:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise FetchError("broken", _("The server sent a damaged compressed file.")) from exc
    if len(data) > max_bytes or decompressor.unconsumed_tail:
        raise FetchError("too_large", too_large_message(max_bytes))
    return data


def too_large_message(max_bytes: int) -> str:
    return _("The calendar is larger than the limit of %(size)d kB.") % {"size": max_bytes // 1024}


def fetch_calendar(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float = 10.0,
    max_bytes: int = 2 * 1024 * 1024,
    max_redirects: int = 3,
    allow_private: bool = False,
) -> FetchResult:
    """GET the calendar (conditional when validators are known), or raise FetchError."""
    deadline = time.monotonic() + timeout * 3
    visited: list[str] = []
    current = url
    for _hop in range(max_redirects + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("bad_url", _("The link must start with http:// or https://."))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolve(parts.hostname, port, allow_private=allow_private)
        connection_class = (
            PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
        )
        connection = connection_class(parts.hostname, port, address=address, timeout=timeout)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "text/calendar, application/calendar, text/plain;q=0.5, */*;q=0.1",
            "Accept-Encoding": "gzip",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            status = response.status
            if status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError("http", _("The server sent a redirect without a target."))
                visited.append(current)
                current = urljoin(current, location)
                if current in visited:
                    raise FetchError("redirects", _("The link redirects in a loop."))
                continue
            if status == 304:
                return FetchResult(
                    not_modified=True,
                    etag=response.getheader("ETag") or etag,
                    last_modified=response.getheader("Last-Modified") or last_modified,
                    final_url=current,
                )
            if status in (404, 410):
                raise FetchError(
                    "gone",
                    _("The calendar is no longer at this link (HTTP %(status)d).")
                    % {"status": status},
                )
            if status in (401, 403):
                raise FetchError(
                    "forbidden",
                    _("The calendar is not public: the server refused access (HTTP %(status)d).")
                    % {"status": status},
                )
            if status != 200:
                raise FetchError(
                    "http",
                    _("The server answered with an error (HTTP %(status)d).") % {"status": status},
                )
            content_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
            if content_type.lower() not in ACCEPTED_TYPES:
                raise FetchError(
                    "content_type",
                    _(
                        "The link gives %(type)s, not a calendar file (.ics). Use the "
                        "calendar's iCal/ICS link, not the web page."
                    )
                    % {"type": content_type or _("an unknown type")},
                )
            body = read_limited(response, max_bytes=max_bytes, deadline=deadline)
            return FetchResult(
                not_modified=False,
                body=body,
                etag=response.getheader("ETag") or "",
                last_modified=response.getheader("Last-Modified") or "",
                final_url=current,
            )
        except TimeoutError as exc:
            raise FetchError("timeout", _("The server took too long to answer.")) from exc
        except ssl.SSLError as exc:
            raise FetchError(
                "tls", _("The secure connection failed (the server's certificate is not valid).")
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError("connection", _("The server could not be reached.")) from exc
        finally:
            connection.close()
    raise FetchError(
        "redirects",
        _("The link redirects more than %(count)d times.") % {"count": max_redirects},
    )
