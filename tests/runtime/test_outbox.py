"""The outbox end to end, against a real HTTP server on 127.0.0.1 that counts and deduplicates.

Why not Prism: these tests must prove that a request is *applied exactly once* and *in order* across
outages, crashes and retries. Prism answers each request from the spec's examples independently; it
keeps no state, so it can neither count how often a write was applied nor deduplicate by
``Idempotency-Key``. `CountingServer` does both: it applies a POST once per key (a repeat gets the first
answer back, marked ``Idempotent-Replayed``) and records the applied requests in order.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from runtime import FakeClock, RetryPolicy, RetryTransport, Secret, StaticTokenProvider, TokenRefreshAuth
from runtime.outbox._outbox import Outbox
from runtime.outbox._outbox_policy import OutboxPolicy, QueuedReceipt
from runtime.outbox._outbox_worker import async_http_probe, http_probe

GENERATOR_DIR = Path(__file__).resolve().parents[2] / "generator"
TOKEN = "tok-0123456789abcdef-SECRET"
OPERATION = "submitMetrics"


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it, we release it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CountingServer:
    """Applies each POST once per Idempotency-Key; records what it applied, in order.

    `script[key]`: statuses to answer for that key first (popped one per request, nothing applied).
    A JSON body with ``"force_status": N`` is always answered N and never applied.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.lock = threading.Lock()
        self.applied: list[dict[str, Any]] = []  # key, path, body, authorization
        self.seen: dict[str, bytes] = {}  # key -> the first answer's body
        self.replayed: list[str] = []
        self.script: dict[str, list[int]] = {}
        self.hits: Counter[str] = Counter()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def keys(self) -> list[str]:
        with self.lock:
            return [entry["key"] for entry in self.applied]

    def seed(self, key: str) -> None:
        """Pretend the server applied `key` before the client lost its answer."""
        with self.lock:
            self.applied.append({"key": key, "path": "(before the crash)", "body": None, "authorization": None})
            self.seen[key] = b'{"applied": "earlier"}'

    def start(self) -> CountingServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each answer waits ~40 ms for a delayed ACK

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: bytes, extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer(200, b'{"status": "ok"}')

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                key = self.headers.get("Idempotency-Key", "")
                body = json.loads(raw) if raw else None
                auth = self.headers.get("Authorization")
                with server.lock:
                    server.hits[key] += 1
                    scripted = server.script.get(key)
                    forced = body.get("force_status") if isinstance(body, dict) else None
                    if scripted:
                        status: int | None = scripted.pop(0)
                    elif forced:
                        status = int(forced)
                    else:
                        status = None
                    if status is None and key in server.seen:
                        server.replayed.append(key)
                        answer, extra = server.seen[key], {"Idempotent-Replayed": "true"}
                    elif status is None:
                        server.applied.append({"key": key, "path": self.path, "body": body, "authorization": auth})
                        answer, extra = json.dumps({"applied": len(server.applied)}).encode(), {}
                        server.seen[key] = answer
                if status is not None:
                    # A careless server echoing the credential in its error: dead letters must mask it.
                    problem = {"title": "Refused", "detail": f"status {status} for token {auth}"}
                    self._answer(status, json.dumps(problem).encode())
                else:
                    self._answer(201, answer, extra)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            assert self._thread is not None
            self._thread.join(5)
            self._httpd = None


@pytest.fixture
def server() -> Iterator[CountingServer]:
    """A counting server on a free port, not started (the network is down until the test starts it)."""
    counting = CountingServer(free_port())
    try:
        yield counting
    finally:
        counting.stop()


def sdk_client(base_url: str, *, retries: int = 1) -> httpx.Client:
    """An SDK-like client: a bearer token applied by the auth flow at send time, and a retry transport."""
    policy = RetryPolicy(max_attempts=retries, initial_delay_s=0.0, max_jitter_s=None)
    return httpx.Client(
        base_url=base_url,
        auth=TokenRefreshAuth(StaticTokenProvider(Secret(TOKEN))),
        transport=RetryTransport(policy, inner=httpx.HTTPTransport(), clock=FakeClock()),
        timeout=5.0,
    )


def kwargs_for(seq: int, *, key: str | None = None, **body: Any) -> dict[str, Any]:
    """What a generated ``_get_kwargs()`` returns for submitMetrics."""
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return {
        "method": "post",
        "url": "/api/v2/rvms/rvm-1/metrics",
        "json": {"seq": seq, **body},
        "headers": headers,
        "extensions": {"sdk.operation_id": OPERATION},
    }


def fast_policy(path: Path, **changes: Any) -> OutboxPolicy:
    return OutboxPolicy(path=path, probe_interval_s=0.02, max_probe_interval_s=0.1, probe_jitter_s=None, **changes)


def wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def test_network_down_then_up_delivers_everything_in_order(server: CountingServer, tmp_path: Path) -> None:
    """While the port is closed each call returns a QueuedReceipt; once the server is up, the worker
    (probing the health check) delivers all of them in call order, each applied once, with the token."""
    with sdk_client(server.url, retries=2) as client, Outbox(fast_policy(tmp_path / "o.db"), package="t") as outbox:
        receipts = [outbox.send_or_queue(client, kwargs_for(i), operation_id=OPERATION) for i in range(20)]
        assert all(isinstance(r, QueuedReceipt) for r in receipts)
        first = receipts[0]
        assert isinstance(first, QueuedReceipt) and first.reason == "ConnectError"
        assert outbox.stats().queued == 20
        outbox.start(client, probe=http_probe(client, "/health"))
        time.sleep(0.1)  # a few failed probes while the server is still down
        server.start()
        wait_until(lambda: outbox.stats().queued == 0)
        keys = [r.idempotency_key for r in receipts if isinstance(r, QueuedReceipt)]
        assert server.keys() == keys
        assert [entry["body"]["seq"] for entry in server.applied] == list(range(20))
        assert {entry["authorization"] for entry in server.applied} == {f"Bearer {TOKEN}"}
        assert outbox.stats().delivered == 20


CRASH_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    import httpx
    from runtime.outbox._outbox import Outbox
    from runtime.outbox._outbox_policy import OutboxPolicy, QueuedReceipt

    outbox = Outbox(OutboxPolicy(path=Path(sys.argv[1]), max_rows=None, max_bytes=None), package="crash")
    client = httpx.Client(base_url=f"http://127.0.0.1:{sys.argv[2]}")
    for i in range(1000):
        operation = ("submitMetrics", "syncTimezone")[i % 2]
        kwargs = {"method": "post", "url": f"/api/{operation}", "json": {"seq": i},
                  "headers": {"Idempotency-Key": f"key-{i:04d}", "Authorization": "Bearer tok-crash-SECRET"}}
        assert isinstance(outbox.send_or_queue(client, kwargs, operation_id=operation), QueuedReceipt)
    print("ready", flush=True)
    time.sleep(60)
    """
)


def test_kill_9_with_1000_queued_loses_nothing_and_applies_each_once(server: CountingServer, tmp_path: Path) -> None:
    """A process killed with SIGKILL right after queueing 1,000 requests loses none: a new Outbox on the
    same file delivers all of them in order, and the one the server had already applied before the crash
    (same Idempotency-Key) is not applied twice."""
    db = tmp_path / "crash.db"
    script = tmp_path / "enqueue.py"
    script.write_text(CRASH_SCRIPT)
    child = subprocess.Popen(
        [sys.executable, str(script), str(db), str(server.port), str(GENERATOR_DIR)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    assert b"tok-crash-SECRET" not in db.read_bytes() + Path(f"{db}-wal").read_bytes()

    server.seed("key-0500")  # applied just before the link (and then the process) died
    server.start()
    with sdk_client(server.url) as client, Outbox(fast_policy(db, max_rows=None), package="crash") as outbox:
        assert outbox.stats().queued == 1000
        delivered = threading.Event()
        outbox.on_delivered(lambda event: delivered.set() if outbox.stats().queued == 0 else None)
        outbox.start(client, probe=http_probe(client, "/health"))
        assert delivered.wait(120)  # a bound on liveness, not on speed: under load 1,000 deliveries took over 15 s
        stats = outbox.stats()
    expected = [f"key-{i:04d}" for i in range(1000)]
    keys = server.keys()
    assert sorted(keys) == expected and len(keys) == 1000  # none missing, each applied exactly once
    assert keys[1:] == [key for key in expected if key != "key-0500"]  # in order
    assert server.replayed == ["key-0500"]
    assert stats.queued == 0 and stats.delivered == 1000 and stats.dead == 0


def test_400_is_dead_lettered_once_and_503_stays_queued(server: CountingServer, tmp_path: Path) -> None:
    """A 400 moves the item to the dead letters (status, masked body) and it is never sent again; a 503
    (after the client's retries) keeps it queued and blocks only its own operation until it succeeds."""
    server.start()
    failed: list[Any] = []
    with sdk_client(server.url, retries=2) as client, Outbox(fast_policy(tmp_path / "o.db"), package="t") as outbox:
        outbox.on_failed(failed.append)
        bad = outbox.enqueue(kwargs_for(0, key="bad", force_status=400), operation_id="other")
        outbox.enqueue(kwargs_for(1, key="after-bad"), operation_id="other")
        flaky = outbox.enqueue(kwargs_for(2, key="flaky"), operation_id=OPERATION)
        behind = outbox.enqueue(kwargs_for(3, key="behind-flaky"), operation_id=OPERATION)
        server.script["flaky"] = [503, 503]  # both attempts of the first pass

        first = outbox.flush(client=client)
        assert (first.delivered, first.rejected, first.remaining) == (1, 1, 2)
        assert server.keys() == ["after-bad"]
        [letter] = outbox.dead_letters()
        assert (letter.outbox_id, letter.status_code, letter.reason) == (bad.outbox_id, 400, "rejected")
        assert letter.error is not None and "Refused" in letter.error and TOKEN not in letter.error
        assert failed == [letter]
        pending = outbox.pending()
        assert [p.outbox_id for p in pending] == [flaky.outbox_id, behind.outbox_id]
        assert pending[0].attempts == 1 and pending[0].last_error == "HTTP 503 Service Unavailable"
        assert pending[1].attempts == 0  # blocked behind its operation's head, not tried

        second = outbox.flush(client=client)
        assert (second.delivered, second.rejected, second.remaining) == (2, 0, 0)
        assert server.keys() == ["after-bad", "flaky", "behind-flaky"]
        assert server.hits["bad"] == 1  # never retried
        assert outbox.stats().dead == 1


def test_concurrent_producers_lose_nothing_and_keep_each_threads_order(server: CountingServer, tmp_path: Path) -> None:
    """8 threads x 50 calls while offline: all 400 rows are stored, and each thread's requests are
    queued and then applied in that thread's call order."""
    outbox = Outbox(fast_policy(tmp_path / "o.db"), package="t")
    client = sdk_client(server.url)
    receipts: dict[int, list[QueuedReceipt]] = {n: [] for n in range(8)}
    start = threading.Barrier(8)

    def produce(n: int) -> None:
        start.wait()
        for i in range(50):
            result = outbox.send_or_queue(client, kwargs_for(i, key=f"t{n}-{i:02d}"), operation_id=OPERATION)
            assert isinstance(result, QueuedReceipt)
            receipts[n].append(result)

    threads = [threading.Thread(target=produce, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    try:
        assert outbox.stats().queued == 400
        for n in range(8):
            ids = [r.outbox_id for r in receipts[n]]
            assert len(ids) == 50 and ids == sorted(ids)
        server.start()
        summary = outbox.flush(client=client)
        assert (summary.delivered, summary.remaining) == (400, 0)
        applied = server.keys()
        assert len(set(applied)) == 400
        for n in range(8):
            assert [k for k in applied if k.startswith(f"t{n}-")] == [f"t{n}-{i:02d}" for i in range(50)]
    finally:
        outbox.close()
        client.close()


def test_no_credential_reaches_the_database_file(server: CountingServer, tmp_path: Path) -> None:
    """Authorization on the client (auth flow and default headers) and on the request, plus secret-named
    headers, never reach the database or its WAL; the delivered request still carries the token."""
    db = tmp_path / "o.db"
    client = sdk_client(server.url)
    client.headers["X-Api-Key"] = "client-api-key-SECRET"
    kwargs = kwargs_for(1, key="k1")
    kwargs["headers"] |= {
        "Authorization": f"Bearer {TOKEN}",
        "X-Session-Token": "session-SECRET-42",
        "Cookie": "sid=cookie-SECRET-99",
        "Proxy-Authorization": "Basic cHJveHktU0VDUkVU",
    }
    outbox = Outbox(fast_policy(db), package="t")
    try:
        assert isinstance(outbox.send_or_queue(client, kwargs, operation_id=OPERATION), QueuedReceipt)
        raw = db.read_bytes() + Path(f"{db}-wal").read_bytes()
        for secret in (TOKEN, "Bearer", "SECRET", "cHJveHktU0VDUkVU"):
            assert secret.encode() not in raw
        server.start()
        assert outbox.flush(client=client).delivered == 1
        assert server.applied[0]["authorization"] == f"Bearer {TOKEN}"  # applied at send time
    finally:
        outbox.close()
        client.close()
    assert b"Bearer" not in db.read_bytes() and TOKEN.encode() not in db.read_bytes()


def test_a_call_while_online_returns_the_response(server: CountingServer, tmp_path: Path) -> None:
    """Online, send_or_queue returns the server's response and queues nothing."""
    server.start()
    with sdk_client(server.url) as client, Outbox(fast_policy(tmp_path / "o.db"), package="t") as outbox:
        result = outbox.send_or_queue(client, kwargs_for(1), operation_id=OPERATION)
        assert isinstance(result, httpx.Response) and result.status_code == 201
        assert outbox.stats().queued == 0 and len(server.keys()) == 1


async def test_async_twin_queues_and_its_task_drains(server: CountingServer, tmp_path: Path) -> None:
    """With an AsyncClient: calls queue while offline, and the asyncio worker drains them once up."""
    async with (
        httpx.AsyncClient(base_url=server.url, auth=TokenRefreshAuth(StaticTokenProvider(Secret(TOKEN)))) as client,
        Outbox(fast_policy(tmp_path / "o.db"), package="t") as outbox,
    ):
        receipts = [await outbox.asend_or_queue(client, kwargs_for(i), operation_id=OPERATION) for i in range(10)]
        assert all(isinstance(r, QueuedReceipt) for r in receipts)
        outbox.start_async(client, probe=async_http_probe(client, "/health"))
        await asyncio.sleep(0.05)
        server.start()
        deadline = time.monotonic() + 10
        while outbox.stats().queued:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        assert [entry["body"]["seq"] for entry in server.applied] == list(range(10))
        assert {entry["authorization"] for entry in server.applied} == {f"Bearer {TOKEN}"}


def mock_client(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler), base_url="https://api.example.com")


def test_a_queueable_status_after_retries_is_queued(tmp_path: Path) -> None:
    """A 503 (what the retry transport hands back once its attempts are spent) becomes a receipt."""
    with (
        mock_client(lambda r: httpx.Response(503)) as client,
        Outbox(fast_policy(tmp_path / "o.db"), package="t") as ob,
    ):
        receipt = ob.send_or_queue(client, kwargs_for(1, key="k"), operation_id=OPERATION)
        assert isinstance(receipt, QueuedReceipt)
        assert (receipt.reason, receipt.idempotency_key, receipt.operation_id) == ("HTTP 503", "k", OPERATION)


def test_a_final_error_status_is_returned_not_queued(tmp_path: Path) -> None:
    """A 400 answered now is the caller's to raise (the generated code parses the response); nothing is queued."""
    with (
        mock_client(lambda r: httpx.Response(400)) as client,
        Outbox(fast_policy(tmp_path / "o.db"), package="t") as ob,
    ):
        response = ob.send_or_queue(client, kwargs_for(1), operation_id=OPERATION)
        assert isinstance(response, httpx.Response) and response.status_code == 400
        assert ob.stats().queued == 0


def test_an_error_that_is_not_offline_passes_through(tmp_path: Path) -> None:
    """Only "offline" failures are queued; others (here an unsupported scheme) raise as before."""

    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.UnsupportedProtocol("no", request=request)

    with mock_client(broken) as client, Outbox(fast_policy(tmp_path / "o.db"), package="t") as ob:
        with pytest.raises(httpx.UnsupportedProtocol):
            ob.send_or_queue(client, kwargs_for(1), operation_id=OPERATION)
        assert ob.stats().queued == 0


def test_the_first_attempt_already_carries_the_stored_key(tmp_path: Path) -> None:
    """The key is set before the first attempt, so the request that may have reached the server and the
    stored one share it."""
    sent: list[str] = []

    def lost_answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["Idempotency-Key"])
        raise httpx.ReadTimeout("answer lost", request=request)

    with mock_client(lost_answer) as client, Outbox(fast_policy(tmp_path / "o.db"), package="t") as ob:
        receipt = ob.send_or_queue(client, kwargs_for(1), operation_id=OPERATION)
        assert isinstance(receipt, QueuedReceipt) and sent == [receipt.idempotency_key]
        assert ob.pending()[0].idempotency_key == receipt.idempotency_key


def test_keep_order_queues_behind_earlier_rows_without_sending(tmp_path: Path) -> None:
    """While an operation has queued rows, a new call of it is queued behind them (not sent), so the
    server sees that operation's calls in order; other operations go straight through. keep_order=False
    sends at once."""
    sent: list[str] = []

    def accept(request: httpx.Request) -> httpx.Response:
        sent.append(request.extensions["sdk.operation_id"])
        return httpx.Response(201)

    with mock_client(accept) as client, Outbox(fast_policy(tmp_path / "o.db"), package="t") as ob:
        ob.enqueue(kwargs_for(0), operation_id=OPERATION)
        behind = ob.send_or_queue(client, kwargs_for(1), operation_id=OPERATION)
        assert isinstance(behind, QueuedReceipt) and behind.reason == "queued behind 1 earlier request(s)"
        other_kwargs = kwargs_for(2) | {"extensions": {"sdk.operation_id": "syncTimezone"}}
        other = ob.send_or_queue(client, other_kwargs, operation_id="syncTimezone")
        assert isinstance(other, httpx.Response) and sent == ["syncTimezone"]
    with mock_client(accept) as client, Outbox(fast_policy(tmp_path / "o2.db", keep_order=False), package="t") as ob:
        ob.enqueue(kwargs_for(0), operation_id=OPERATION)
        assert isinstance(ob.send_or_queue(client, kwargs_for(1), operation_id=OPERATION), httpx.Response)
