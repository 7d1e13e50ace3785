"""A stand-in for the DSA Transparency Database's API in a thread of the test: POST
/api/v1/statements (201 with a uuid per statement, 422 per statement with its errors, or the
failure the test asks for) and GET /api/v1/statement/existing-puid/<puid> (302 or 404), with a
Bearer token checked. It validates with tdb_rules, as the database would."""

import json
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .tdb_rules import validate_batch

TOKEN = "test-token"


class StubTdb:
    def __init__(self):
        self.stored: dict[str, str] = {}  # puid -> uuid
        self.posts: list[list[str]] = []  # puids of each POST received
        self.reject: dict[str, dict] = {}  # puid -> errors to answer 422 with
        self.mode = "ok"  # ok | error_after_store | error_before_store | slow_after_store
        self.delay = 0.0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                try:
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _authorized(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._answer(401, {"message": "Unauthenticated."})
                    return False
                return True

            def do_GET(self):
                if not self._authorized():
                    return
                prefix = "/api/v1/statement/existing-puid/"
                puid = self.path.removeprefix(prefix)
                if puid in stub.stored:
                    self._answer(302, {"message": "statement of reason found", "puid": puid})
                else:
                    self._answer(404, {"message": "statement of reason not found", "puid": puid})

            def do_POST(self):
                if not self._authorized():
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                statements = body["statements"]
                puids = [s["puid"] for s in statements]
                stub.posts.append(puids)
                errors = validate_batch(statements)
                for i, p in enumerate(puids):
                    if p in stub.reject:
                        errors[f"statement_{i}"] = stub.reject[p]
                if errors:
                    return self._answer(422, {"errors": errors})
                existing = [p for p in puids if p in stub.stored]
                if existing:
                    return self._answer(422, {"message": "The platform identifier(s) are not all unique within "
                                                         "this call.", "errors": {"puid": ["not unique"],
                                                                                   "existing_puids": existing}})
                if stub.mode == "error_before_store":
                    return self._answer(503, {"message": "Service Unavailable"})
                out = []
                for s in statements:
                    stub.stored[s["puid"]] = str(uuid.uuid4())
                    out.append({**s, "uuid": stub.stored[s["puid"]], "platform_name": "IP Portal"})
                if stub.mode == "error_after_store":
                    return self._answer(500, {"message": "Server Error"})
                if stub.mode == "slow_after_store":
                    time.sleep(stub.delay)
                self._answer(201, {"statements": out})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def sent_counts(self) -> Counter:
        return Counter(p for batch in self.posts for p in batch)
