import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .pictures import jpeg, logo


@pytest.fixture(autouse=True)
def _fresh_reference_index():
    from imagery.matching import reference_index_forget

    reference_index_forget()
    yield
    reference_index_forget()


class ImageServer:
    """A little HTTP server on 127.0.0.1 playing the marketplace's image host: `routes` maps a
    path to (status, headers, body); a path missing answers 404; /slow never answers in time."""

    def __init__(self):
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                if self.path == "/slow":
                    threading.Event().wait(3)
                status, headers, body = routes.get(self.path, (404, {}, b"not here"))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes, status: int = 200, **headers) -> str:
        self.routes[path] = (status, {"Content-Type": "image/jpeg", **headers}, body)
        return self.url(path)


@pytest.fixture
def image_server(settings):
    """The server, with the portal allowed to fetch plain http from loopback (development settings)."""
    settings.IMAGERY_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    settings.IMAGERY_FETCH_TIMEOUT_SECONDS = 1
    server = ImageServer()
    yield server
    server.server.shutdown()


@pytest.fixture
def logo_jpeg():
    return jpeg(logo(1))
