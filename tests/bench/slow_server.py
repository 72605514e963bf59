"""A tiny HTTP/1.1 server on 127.0.0.1 that answers like the bench's nginx, but `--delay-ms` later.

`python -m tests.bench.slow_server --port P --delay-ms 1`. For the logging measurement against a server
that takes a millisecond (nginx cannot delay cheaply). Keep-alive, one request at a time per connection
(the bench clients never pipeline), GET only, no request bodies. It runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import signal

from tests.bench.canned import PROBLEM_401, PROBLEM_404, REQUEST_ID, TOKEN, item_json, page_json

_ITEM = re.compile(rb"^/items/([0-9]{1,9})$")
_AUTH = b"authorization: bearer " + TOKEN.encode().lower()
_PAGE = page_json().encode()


def _response(status: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"X-Request-ID: {REQUEST_ID}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


def answer(head: bytes) -> bytes:
    """The full response to one request head (request line and headers, without the blank line)."""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or parts[0] != b"GET":
        return _response("405 Method Not Allowed", PROBLEM_404.encode())
    target = parts[1].split(b"?", 1)[0]
    authorized = any(line.lower() == _AUTH for line in lines[1:])
    if target == b"/items" or _ITEM.match(target):
        if not authorized:
            return _response("401 Unauthorized", PROBLEM_401.encode())
        match = _ITEM.match(target)
        return _response("200 OK", item_json(int(match.group(1))).encode() if match else _PAGE)
    return _response("404 Not Found", PROBLEM_404.encode())


class DelayingProtocol(asyncio.Protocol):
    """Parses request heads from the stream and writes each answer after the delay."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        loop = asyncio.get_running_loop()
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            loop.call_later(self.delay_s, self._send, answer(head))

    def _send(self, payload: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(payload)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve(port: int, delay_s: float) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = await loop.create_server(lambda: DelayingProtocol(delay_s), "127.0.0.1", port)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=1.0)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.delay_ms / 1000.0))


if __name__ == "__main__":
    main()
