"""The one way out: HTTP requests to addresses someone outside gave us, that cannot reach inside.

A URL typed by a marketplace account (a webhook endpoint) must not turn the portal into a port
scanner or a reader of internal services (the cloud metadata address, an admin port on
localhost, a database on the private network). So every request:

- accepts https only, http only where the caller allows it (development);
- resolves the host once and refuses the request if ANY resolved address is not a public
  unicast address: loopback, private, link-local, multicast, reserved, unspecified, shared
  (100.64/10), and IPv6 forms that embed an IPv4 address (IPv4-mapped, IPv4-compatible,
  6to4, Teredo, NAT64) are judged by the address they embed;
- connects to the vetted address itself (no second resolution that a short-TTL DNS answer
  could point elsewhere), while TLS still sends the host name (SNI) and checks the
  certificate against it;
- follows no redirects (http.client never does): a 3xx is an answer like any other;
- keeps the status code and a short, sanitized error, never the body of the answer.

`url_refusal` is what can be said without DNS (a literal address, `localhost`), for the forms,
the API and the admin to refuse at save; the names are checked again at every request because
what a name resolves to can change after it was saved.

Loopback may be allowed for development (a receiver on 127.0.0.1) by the caller; every other
class stays refused.
"""

import functools
import http.client
import ipaddress
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ERROR_MAX_CHARS = 200  # what the delivery log keeps of an error
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_INTERNAL_NAMES = re.compile(r"(^|\.)(localhost|localdomain|local|internal|intranet|lan|home\.arpa)\.?$", re.I)


class OutboundRefused(Exception):
    """The request was not sent: the URL or an address it resolves to is not allowed."""


@dataclass(frozen=True)
class Answer:
    status: int | None  # None when no answer arrived (refused, timed out, TLS error, not sent)
    error: str  # "" on a 2xx; otherwise short and sanitized, never the answer's body


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):  # ::1 and :: are judged as IPv6
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_class(ip: IPAddress) -> str | None:
    """Why an address may not be contacted ("loopback", "private", …), or None for a public
    unicast address. An IPv6 address that embeds an IPv4 one is judged by the embedded one."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_v4(ip)
        if embedded is not None:
            inner = address_class(embedded)
            return f"{inner} (embedded in an IPv6 address)" if inner else None
    for name, refused in (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
                          ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                          ("reserved", ip.is_reserved), ("private", ip.is_private)):
        if refused:
            return name
    if not ip.is_global:
        return "non-public"  # e.g. shared address space 100.64.0.0/10
    return None


def _refused(ip: IPAddress, *, allow_loopback: bool) -> str | None:
    reason = address_class(ip)
    if reason == "loopback" and allow_loopback:
        return None
    return reason


def _literal(host: str) -> IPAddress | None:
    """The address a host written as an address stands for, including the shorthand forms
    the resolver accepts (`127.1`, `0x7f000001`, `2130706433`)."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fA-Fx.]+", host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def url_refusal(url: str, *, allow_http: bool, allow_loopback: bool = False) -> str | None:
    """Why this URL is refused before any DNS lookup, as a sentence for the person who typed it;
    None when it may be saved (its name is still checked at every request)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "Enter a valid address (the host or port is malformed)."
    if parts.scheme not in ("http", "https") or not host:
        return "Enter the full address, starting with https://."
    if parts.scheme == "http" and not allow_http:
        return "Use an https:// address: plain http is allowed in development only."
    if parts.username or parts.password:
        return "Leave user names and passwords out of the address."
    if port == 0:
        return "Enter a valid port."
    return _host_refusal(host, allow_loopback)


# By host: an ingest batch names tens of thousands of pictures on a few hosts, and reading a name
# as an address (which fails, by exception) was most of each URL's check (measured).
@functools.lru_cache(maxsize=4096)
def _host_refusal(host: str, allow_loopback: bool) -> str | None:
    ip = _literal(host)
    if ip is not None:
        reason = _refused(ip, allow_loopback=allow_loopback)
        return f"The address {host} is a {reason} address, which cannot be reached from here." if reason else None
    if _INTERNAL_NAMES.search(host) and not (allow_loopback and host.rstrip(".").lower() == "localhost"):
        return f"{host} is an internal name, which cannot be reached from here. Use a public host name."
    if "." not in host.rstrip("."):
        return f"{host} is not a public host name. Use a fully qualified name (such as hooks.example.com)."
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (replaced by a fake in tests)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def vetted_addresses(host: str, port: int, *, allow_loopback: bool = False) -> list[str]:
    """Resolve `host` once and return its addresses, or raise OutboundRefused when any of them
    may not be contacted (one bad address refuses all: a name must not mix inside and outside)."""
    literal = _literal(host)
    try:
        found = [str(literal)] if literal is not None else resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise OutboundRefused("The host name did not resolve.") from exc
    if not found:
        raise OutboundRefused("The host name did not resolve.")
    for text in found:
        try:
            ip = ipaddress.ip_address(text.split("%")[0])  # drop an IPv6 zone
        except ValueError as exc:
            raise OutboundRefused("The host name resolved to something that is not an address.") from exc
        reason = _refused(ip, allow_loopback=allow_loopback)
        if reason:
            raise OutboundRefused(f"Not sent: the host resolves to a {reason} address, which cannot be reached "
                                  "from here.")
    return found


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a vetted address; the Host header still names the host."""

    def __init__(self, host: str, port: int | None, *, address: str, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to a vetted address; TLS sends the host name (SNI) and checks the certificate
    against it, as if the name had been resolved here."""

    def __init__(self, host: str, port: int | None, *, address: str, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def sanitize(text: str, limit: int = ERROR_MAX_CHARS) -> str:
    """Printable ASCII on one line, at most `limit` characters."""
    text = re.sub(r"[^\x20-\x7e]+", " ", text or "")
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error_for(exc: BaseException) -> str:
    """A short description of a failure that reveals nothing the answer said."""
    if isinstance(exc, TimeoutError | socket.timeout):
        return "Timed out (connect or read)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate check failed: {sanitize(exc.verify_message or '', 100)}"
    if isinstance(exc, ssl.SSLError):
        return "TLS error"
    if isinstance(exc, ConnectionRefusedError):
        return "ConnectionRefusedError: connection refused"
    if isinstance(exc, ConnectionResetError):
        return "ConnectionResetError: the connection was reset"
    if isinstance(exc, http.client.HTTPException):
        return f"{type(exc).__name__}: the answer was not valid HTTP"
    return f"{type(exc).__name__}" + (f" (errno {exc.errno})" if getattr(exc, "errno", None) else "")


class _NotConnected(Exception):
    """No connection was made; the message (short, sanitized) says why."""


@contextmanager
def _connect(url: str, *, not_sent: str, connect_timeout: float, read_timeout: float, allow_http: bool,
             allow_loopback: bool, ssl_context: ssl.SSLContext | None) -> Iterator[tuple[http.client.HTTPConnection,
                                                                                      str]]:
    """Vet `url` under the rules above and connect to the first of its vetted addresses that takes
    the connection. Yields (connection, path), the read timeout set from then on, and closes the
    connection after; raises _NotConnected ("<not_sent>: why") when nothing was connected."""
    refusal = url_refusal(url, allow_http=allow_http, allow_loopback=allow_loopback)
    if refusal:
        raise _NotConnected(sanitize(f"{not_sent}: {refusal}"))
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = vetted_addresses(parts.hostname, port, allow_loopback=allow_loopback)
    except OutboundRefused as exc:
        raise _NotConnected(sanitize(str(exc))) from exc
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    last_error = not_sent
    for address in addresses:  # all vetted; the first that takes the connection is used
        if parts.scheme == "https":
            conn = _PinnedHTTPSConnection(parts.hostname, port, address=address, timeout=connect_timeout,
                                          context=ssl_context or ssl.create_default_context())
        else:
            conn = _PinnedHTTPConnection(parts.hostname, port, address=address, timeout=connect_timeout)
        try:
            conn.connect()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            last_error = _error_for(exc)
            if isinstance(exc, ssl.SSLError):
                break  # the host answered: another of its addresses would present the same
            continue
        conn.sock.settimeout(read_timeout)  # from here on: sending, and waiting for the answer
        try:
            yield conn, path
        finally:
            conn.close()
        return
    raise _NotConnected(sanitize(last_error))


def _status_error(response: http.client.HTTPResponse) -> str:
    note = " (redirects are not followed)" if 300 <= response.status < 400 else ""
    return sanitize(f"HTTP {response.status} {sanitize(response.reason, 60)}{note}")


def post(*, url: str, headers: dict[str, str], body: bytes, connect_timeout: float, read_timeout: float,
         allow_http: bool = False, allow_loopback: bool = False,
         ssl_context: ssl.SSLContext | None = None) -> Answer:
    """POST `body` to `url` under the rules above. Never raises for a network failure or a
    refused address: the answer says what happened."""
    try:
        with _connect(url, not_sent="Not sent", connect_timeout=connect_timeout, read_timeout=read_timeout,
                      allow_http=allow_http, allow_loopback=allow_loopback, ssl_context=ssl_context) as (conn, path):
            conn.request("POST", path, body=body, headers={
                "Content-Type": "application/json", "User-Agent": "IP-Portal-Webhooks/1", **headers,
            })
            response = conn.getresponse()
            if 200 <= response.status < 300:
                return Answer(response.status, "")
            return Answer(response.status, _status_error(response))
    except _NotConnected as exc:
        return Answer(None, str(exc))
    except (OSError, http.client.HTTPException) as exc:
        return Answer(None, _error_for(exc))


@dataclass(frozen=True)
class Fetched:
    status: int | None  # None when no answer arrived
    error: str  # "" on a 2xx within the size limit; otherwise short and sanitized
    body: bytes = b""
    content_type: str = ""


def get(*, url: str, max_bytes: int, connect_timeout: float, read_timeout: float, allow_http: bool = False,
        allow_loopback: bool = False, ssl_context: ssl.SSLContext | None = None) -> Fetched:
    """GET `url` under the rules above and read at most `max_bytes` of its body (a longer body is
    refused after reading one byte more, whatever Content-Length claimed). Never raises for a
    network failure, a refused address or a redirect (not followed): the answer says what happened."""
    try:
        with _connect(url, not_sent="Not fetched", connect_timeout=connect_timeout, read_timeout=read_timeout,
                      allow_http=allow_http, allow_loopback=allow_loopback, ssl_context=ssl_context) as (conn, path):
            conn.request("GET", path, headers={"User-Agent": "IP-Portal-Images/1", "Accept": "image/*"})
            response = conn.getresponse()
            if not 200 <= response.status < 300:
                return Fetched(response.status, _status_error(response))
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                return Fetched(response.status, f"Too large: {int(declared):,} bytes (at most {max_bytes:,})")
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                return Fetched(response.status, f"Too large: more than {max_bytes:,} bytes")
            return Fetched(response.status, "", body, sanitize(response.getheader("Content-Type") or "", 100))
    except _NotConnected as exc:
        return Fetched(None, str(exc))
    except (OSError, http.client.HTTPException) as exc:
        return Fetched(None, _error_for(exc))
