"""common.outbound: every resolved address is vetted (a fake resolver plays DNS), the vetted
address is the one connected to, nothing inside is reached, no redirect is followed, and an
answer's body is never kept. A real server on 127.0.0.1 (loopback allowed, as in development)
for the happy path, over http and over TLS with the host name checked."""

import http.server
import shutil
import socket
import ssl
import subprocess
import threading

import pytest

from common import outbound

PUBLIC_V4, PUBLIC_V6 = "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"

REFUSED = [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.5.4", "private"), ("192.168.0.10", "private"), ("fc00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("100.64.0.1", "non-public"),
    ("::ffff:127.0.0.1", "loopback (embedded"), ("::ffff:10.0.0.1", "private (embedded"),
    ("::ffff:169.254.169.254", "link-local (embedded"),
    ("2002:7f00:1::1", "loopback (embedded"), ("2002:a9fe:a9fe::1", "link-local (embedded"),
    ("64:ff9b::a00:1", "private (embedded"), ("::127.0.0.1", "loopback (embedded"),
]


@pytest.fixture
def dns(monkeypatch):
    """A fake resolver: {host: [addresses]}; counts lookups. Connections are recorded and refused
    unless a test lets them through."""
    table, lookups, connects = {}, [], []

    def resolve(host, port):
        lookups.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    real_connect = socket.create_connection

    def create_connection(address, *args, **kwargs):
        connects.append(address[0])
        if not dns.allow_connect:
            raise AssertionError(f"connected to {address}")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(outbound, "resolve", resolve)
    monkeypatch.setattr(outbound.socket, "create_connection", create_connection)

    class Dns:
        allow_connect = False

    dns = Dns()
    dns.table, dns.lookups, dns.connects = table, lookups, connects
    return dns


def _post(url, **kwargs):
    return outbound.post(url=url, headers={}, body=b"{}", connect_timeout=2, read_timeout=2, **kwargs)


@pytest.mark.parametrize("address,reason", REFUSED, ids=[a for a, _ in REFUSED])
def test_every_address_class_inside_is_refused(address, reason):
    assert outbound.address_class(outbound.ipaddress.ip_address(address)).startswith(reason)


@pytest.mark.parametrize("address", [PUBLIC_V4, PUBLIC_V6, "8.8.8.8", "2001:4860:4860::8888"])
def test_public_addresses_pass(address):
    assert outbound.address_class(outbound.ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("address,reason", REFUSED, ids=[a for a, _ in REFUSED])
def test_a_name_resolving_inside_is_never_contacted(dns, address, reason):
    dns.table["hooks.example.test"] = [address]
    answer = _post("https://hooks.example.test/in")
    assert answer.status is None and answer.error.startswith("Not sent") and reason.split(" ")[0] in answer.error
    assert dns.connects == []


def test_one_inside_address_among_public_ones_refuses_the_name(dns):
    dns.table["hooks.example.test"] = [PUBLIC_V4, PUBLIC_V6, "10.0.0.7"]
    answer = _post("https://hooks.example.test/in")
    assert answer.status is None and "private" in answer.error and dns.connects == []


def test_loopback_allowed_for_development_still_refuses_everything_else(dns):
    for address in ("10.0.0.1", "169.254.169.254", "::ffff:192.168.1.1", "0.0.0.0"):
        dns.table["hooks.example.test"] = [address]
        assert _post("https://hooks.example.test/in", allow_loopback=True).error.startswith("Not sent")
    assert dns.connects == []


def test_a_name_that_does_not_resolve_is_not_sent(dns):
    answer = _post("https://nowhere.example.test/in")
    assert answer == outbound.Answer(None, "The host name did not resolve.")


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/x", "https://[::1]/x", "https://localhost/x", "https://LOCALHOST./x", "https://0.0.0.0/x",
    "https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/x", "https://[::ffff:127.0.0.1]/x",
    "https://2130706433/x", "https://0x7f000001/x", "https://127.1/x", "https://metadata.google.internal/x",
    "https://printer.local/x", "https://intranet/x", "https://user:pw@hooks.example.test/x",
])
def test_urls_refused_before_any_lookup(dns, url):
    assert outbound.url_refusal(url, allow_http=False)
    assert _post(url).error.startswith("Not sent")
    assert dns.lookups == [] and dns.connects == []


def test_plain_http_only_when_allowed(dns):
    assert "https://" in outbound.url_refusal("http://hooks.example.test/x", allow_http=False)
    assert outbound.url_refusal("http://hooks.example.test/x", allow_http=True) is None
    assert outbound.url_refusal("https://hooks.example.test/x", allow_http=False) is None
    assert _post("http://hooks.example.test/x").error.startswith("Not sent") and dns.lookups == []


# --- a real receiver on 127.0.0.1 ------------------------------------------------------------


class _Receiver(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.path, self.headers["Host"]))
        if self.path == "/fail":
            self._answer(500, b"internal stack trace: password=hunter2")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/next")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._answer(200, b"ok")

    def _answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Receiver.seen = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_happy_path_over_http_in_development_connects_to_the_vetted_address(dns, server):
    dns.allow_connect = True
    port = server.server_address[1]
    dns.table["receiver.example.test"] = ["127.0.0.1"]
    answer = _post(f"http://receiver.example.test:{port}/in", allow_http=True, allow_loopback=True)
    assert answer == outbound.Answer(200, "")
    assert dns.lookups == ["receiver.example.test"]  # resolved once, never again
    assert dns.connects == ["127.0.0.1"]
    assert _Receiver.seen == [("/in", f"receiver.example.test:{port}")]


def test_loopback_is_refused_unless_allowed(dns, server):
    dns.allow_connect = True
    port = server.server_address[1]
    answer = _post(f"http://127.0.0.1:{port}/in", allow_http=True)
    assert answer.status is None and "loopback" in answer.error and _Receiver.seen == []


def test_a_failure_keeps_the_status_never_the_body(dns, server):
    dns.allow_connect = True
    answer = _post(f"http://127.0.0.1:{server.server_address[1]}/fail", allow_http=True, allow_loopback=True)
    assert answer == outbound.Answer(500, "HTTP 500 Internal Server Error")
    assert "hunter2" not in answer.error


def test_a_redirect_is_not_followed(dns, server):
    dns.allow_connect = True
    answer = _post(f"http://127.0.0.1:{server.server_address[1]}/moved", allow_http=True, allow_loopback=True)
    assert answer.status == 302 and "redirects are not followed" in answer.error
    assert [path for path, _ in _Receiver.seen] == ["/moved"]


def test_errors_are_short_and_printable():
    assert outbound.sanitize("a\x00b\r\nc" + "x" * 500) == ("a b c" + "x" * 500)[:199] + "…"


# --- TLS: the vetted address, the host name in SNI and in the certificate check ---------------


def _certificate(tmp_path, name):
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={name}",
                    "-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture
def tls_server(tmp_path):
    cert, key = _certificate(tmp_path, "receiver.example.test")
    names = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    _Receiver.seen = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    srv.socket = context.wrap_socket(srv.socket, server_side=True)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv, cert, names
    srv.shutdown()
    srv.server_close()


def test_tls_sends_the_name_and_checks_the_certificate_against_it(dns, tls_server):
    server, cert, names = tls_server
    dns.allow_connect = True
    dns.table["receiver.example.test"] = ["127.0.0.1"]
    dns.table["other.example.test"] = ["127.0.0.1"]
    trust = ssl.create_default_context(cafile=str(cert))
    port = server.server_address[1]
    answer = _post(f"https://receiver.example.test:{port}/in", allow_loopback=True, ssl_context=trust)
    assert answer == outbound.Answer(200, "") and names == ["receiver.example.test"]
    assert dns.connects == ["127.0.0.1"]

    wrong = _post(f"https://other.example.test:{port}/in", allow_loopback=True,
                  ssl_context=ssl.create_default_context(cafile=str(cert)))
    assert wrong.status is None and wrong.error.startswith("TLS certificate check failed")
    assert [path for path, _ in _Receiver.seen] == ["/in"]
