"""The living mock's two HTTP faces, on one asyncio loop: the public front and the state store.

    client -> front (public port: /_mock/*, latency, faults, journal)
           -> Prism proxy --errors (validates the request, then the answer)
           -> store (LivingApi's answers)

The front never answers an API request itself except for an injected fault: everything else goes
through Prism, which refuses an invalid request (the API's 4xx) and turns an answer that breaks the
spec into a 500 naming the violations. Such an answer is a mock bug: the journal marks it
(`"mock_bug": [...]`), the front adds `X-Mock-Bug` and writes it to stderr.
"""

from __future__ import annotations

import asyncio
import collections
import json
import random
import sys
import time
from typing import Any

import aiohttp
from aiohttp import web

from mock.mock_faults import FaultSettingError, FaultSettings, faults_from_query, latency_from_query, plan
from mock.state_api import LivingApi, Request

CONTROL = "/_mock/"
ANY_PATH = r"/{tail:[\s\S]*}"  # every path, even one whose decoded form holds a newline (`.` would stop there)
# Prism's preload answers an invalid request with the first of these the operation documents.
INVALID_STATUSES = (422, 400)
INVALID_STATUS_HEADER = "x-mock-invalid-status"
JOURNAL_SIZE = 500
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade", "te", "trailer"}
)
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Expose-Headers": "*",
    "Cache-Control": "no-store",
}


class LivingHttp:
    """The front and store applications around one `LivingApi`; `upstream` is Prism's URL (set after start)."""

    def __init__(self, api: LivingApi, *, seed: int = 0) -> None:
        self.api = api
        self.upstream = ""
        self.settings = FaultSettings()
        self.journal: collections.deque[dict[str, Any]] = collections.deque(maxlen=JOURNAL_SIZE)
        self.mock_bugs = 0  # answers Prism refused since the last reset (the journal keeps only the last ones)
        self._seed = seed
        self._rng = random.Random(seed)
        self._session: aiohttp.ClientSession | None = None

    # -- store ----------------------------------------------------------------------------------------

    async def store(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        reply = self.api.answer(
            Request(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                headers={k.lower(): v for k, v in request.headers.items()},
                body=body,
            )
        )
        return web.Response(status=reply.status, headers=dict(reply.headers), body=reply.body or None)

    def store_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", ANY_PATH, self.store)
        return app

    # -- front ----------------------------------------------------------------------------------------

    def front_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", ANY_PATH, self.front)
        app.on_cleanup.append(self._close_session)
        return app

    async def _close_session(self, _app: web.Application) -> None:
        if self._session is not None:
            await self._session.close()

    async def front(self, request: web.Request) -> web.StreamResponse:
        if request.path.startswith(CONTROL):
            return self.control(request)
        started = time.monotonic()
        entry: dict[str, Any] = {"at": time.time(), "method": request.method, "path": request.path_qs}
        self.journal.append(entry)
        # A CORS preflight is never delayed or failed: the browser would report CORS, not the fault.
        preflight = request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
        todo = plan(FaultSettings() if preflight else self.settings, request.headers.get("Prefer"), self._rng)
        if todo.delay_ms:
            await asyncio.sleep(todo.delay_ms / 1000)
        if todo.fault is not None:
            entry["fault"] = todo.fault
            response = await self._fault(request, todo.fault, todo.retry_after_s)
        else:
            response = await self._forward(request, entry)
        entry["status"] = response.status
        entry["ms"] = round((time.monotonic() - started) * 1000, 1)
        return response

    async def _fault(self, request: web.Request, fault: str, retry_after_s: int | None) -> web.StreamResponse:
        if fault == "reset":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # nothing more is written on an aborted connection
        if fault == "timeout":
            await asyncio.sleep(TIMEOUT_S)
            return web.Response(status=504)
        status = int(fault)
        routed = self.api.route(request.method, request.path)
        answer = routed[0].answer(status) if routed else None
        headers = {**_cors(request), "X-Mock-Fault": fault}
        if retry_after_s is not None:
            headers["Retry-After"] = str(retry_after_s)
        if answer is not None and answer.example is not None and answer.media_type:
            headers["Content-Type"] = answer.media_type
            return web.Response(status=status, headers=headers, body=json.dumps(answer.example).encode())
        problem = {"title": "Injected fault", "status": status, "detail": "asked for by Prefer or /_mock/faults"}
        headers["Content-Type"] = "application/problem+json"
        return web.Response(status=status, headers=headers, body=json.dumps(problem).encode())

    async def _forward(self, request: web.Request, entry: dict[str, Any]) -> web.StreamResponse:
        if self._session is None:
            self._session = aiohttp.ClientSession(auto_decompress=False, timeout=aiohttp.ClientTimeout(total=None))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        routed = self.api.route(request.method, request.path)
        operation = routed[0] if routed else None
        refusal = next((s for s in INVALID_STATUSES if operation is not None and operation.answer(s)), None)
        if refusal is not None:
            headers[INVALID_STATUS_HEADER] = str(refusal)
        body = await request.read()
        async with self._session.request(
            request.method, self.upstream + request.path_qs, headers=headers, data=body or None, allow_redirects=False
        ) as upstream:
            content = await upstream.read()
            out = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
            bugs = response_violations(upstream.headers.get("sl-violations"))
        if upstream.status == 401 and operation is not None and _prism_problem(content, "UNAUTHORIZED"):
            documented = operation.answer(401)  # Prism's proxy answers its own problem, not the spec's example
            if documented is not None and documented.example is not None and documented.media_type:
                out["Content-Type"] = documented.media_type
                content = json.dumps(documented.example).encode()
        if bugs:
            entry["mock_bug"] = bugs
            self.mock_bugs += 1
            out["X-Mock-Bug"] = "the stateful answer broke the spec; see sl-violations and /_mock/requests"
            print(f"mock bug: {request.method} {request.path_qs}: {'; '.join(bugs)}", file=sys.stderr, flush=True)
        return web.Response(status=upstream.status, headers=out, body=content or None)

    # -- control --------------------------------------------------------------------------------------

    def control(self, request: web.Request) -> web.Response:
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=CORS)
        action = request.path[len(CONTROL) :]
        query = dict(request.query)
        try:
            body = self._control(action, query)
        except FaultSettingError as exc:
            return _json(400, {"error": str(exc)})
        if body is None:
            return _json(404, {"error": f"no control {action!r}", "actions": [CONTROL + a for a in ACTIONS]})
        return _json(200, body)

    def _control(self, action: str, query: dict[str, str]) -> Any:
        if action == "reset":
            self.api.reset()
            self.journal.clear()
            self.mock_bugs = 0
            self.settings = FaultSettings()
            self._rng = random.Random(self._seed)
            return {"reset": True}
        if action == "state":
            return self.api.state()
        if action == "requests":
            limit = int(query.get("limit", JOURNAL_SIZE)) if query.get("limit", "").isdigit() else JOURNAL_SIZE
            return list(self.journal)[-limit:]
        if action == "faults":
            self.settings = faults_from_query(self.settings, query)
            if query.get("seed", "").lstrip("-").isdigit():
                self._rng = random.Random(int(query["seed"]))
            return self.settings.to_json()
        if action == "latency":
            self.settings = latency_from_query(self.settings, query)
            return self.settings.to_json()
        return None


ACTIONS = ("reset", "state", "requests", "faults", "latency")
TIMEOUT_S = 120.0


def response_violations(header: str | None) -> list[str]:
    """The error-level violations of the answer (not of the request) in Prism's `sl-violations` header."""
    if not header:
        return []
    try:
        violations = json.loads(header)
    except ValueError:
        return ["unreadable sl-violations header"]
    return [
        f"{'.'.join(str(p) for p in v.get('location', []))}: {v.get('message', '')}"
        for v in violations
        if isinstance(v, dict)
        and (v.get("location") or [""])[0] == "response"
        and str(v.get("severity", "")).lower() == "error"
    ]


def _prism_problem(content: bytes, kind: str) -> bool:
    """True when `content` is Prism's own problem document of that kind (`#UNAUTHORIZED`)."""
    try:
        problem = json.loads(content)
    except ValueError:
        return False
    return isinstance(problem, dict) and str(problem.get("type", "")).endswith("#" + kind)


def _cors(request: web.Request) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": request.headers.get("Origin", "*"), "Access-Control-Expose-Headers": "*"}


def _json(status: int, body: object) -> web.Response:
    return web.Response(
        status=status,
        headers={**CORS, "Content-Type": "application/json"},
        body=(json.dumps(body, indent=2, default=str) + "\n").encode(),
    )
