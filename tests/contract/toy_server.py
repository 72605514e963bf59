"""A tiny API with bearer auth and its spec, to test the contract runner against a real server.

`ToyServer` serves `TOY_SPEC` on 127.0.0.1 (a free port) in a thread: `GET /health` is public, and
`GET /items/{item_id}` needs `Authorization: Bearer <token>` (401 otherwise). With `planted_bug=True`
the item's `name` comes back as a number, which breaks the schema: only a run that gets past the 401
can find it. Use it as a context manager, so the server is always stopped.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

TOY_TOKEN = "toy-secret-token"

TOY_SPEC = """
openapi: 3.1.0
info: {title: Toy API, version: 1.0.0}
security:
  - bearer: []
paths:
  /health:
    get:
      operationId: getHealth
      security: []
      responses:
        "200":
          description: Up.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Health"}
  /items/{item_id}:
    get:
      operationId: getItem
      parameters:
        - name: item_id
          in: path
          required: true
          schema: {type: integer, minimum: 1, maximum: 1000}
      responses:
        "200":
          description: The item.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  responses:
    Problem:
      description: What went wrong.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Problem"}
  schemas:
    Health:
      type: object
      additionalProperties: false
      required: [status]
      properties:
        status: {type: string}
    Item:
      type: object
      additionalProperties: false
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
    Problem:
      type: object
      required: [detail]
      properties:
        detail: {type: string}
"""

_ITEM = re.compile(r"^/items/(?P<item_id>[^/?#]*)$")


class _Handler(BaseHTTPRequestHandler):
    server: _ToyHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the contract runner reports what it sees."""

    def _send(self, status: int, body: dict[str, object] | None, headers: dict[str, str] | None = None) -> None:
        payload = b"" if body is None else json.dumps(body).encode()
        time.sleep(self.server.answer_delay_s)
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _route(self) -> None:
        path = self.path.split("?", 1)[0]
        item = _ITEM.match(path)
        if path != "/health" and item is None:
            self._send(404, {"detail": "no such path"})
            return
        if self.command not in ("GET", "HEAD"):
            self._send(405, {"detail": "method not allowed"}, {"Allow": "GET"})
            return
        if item is None:
            self._send(200, {"status": "ok"})
            return
        if self.headers.get("Authorization") != f"Bearer {TOY_TOKEN}":
            self._send(401, {"detail": "a valid bearer token is required"})
            return
        raw = item["item_id"]
        if not raw.isdigit() or not 1 <= int(raw) <= 1000:
            self._send(400, {"detail": "item_id must be an integer from 1 to 1000"})
            return
        name: object = 12345 if self.server.planted_bug else f"item {raw}"
        self._send(200, {"id": int(raw), "name": name})

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_TRACE = do_QUERY = _route


class _ToyHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    planted_bug = False
    answer_delay_s = 0.0  # a slow server, so a run lasts long enough to watch its progress


class ToyServer:
    """The toy API on 127.0.0.1:<free port>, stopped on exit from the `with` block."""

    def __init__(self, *, planted_bug: bool = False, answer_delay_s: float = 0.0) -> None:
        self._httpd = _ToyHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.planted_bug = planted_bug
        self._httpd.answer_delay_s = answer_delay_s
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="toy-api", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> ToyServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
