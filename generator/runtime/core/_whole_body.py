"""`WholeBody`: an `httpx.ByteStream` whose bytes can be read back without iterating it.

httpx keeps a `ByteStream`'s bytes private: the public way to get them is to iterate it, a generator per
read. An in-memory answer is read twice on the async SDK's path (the body layer checks its size, the lean
client hands it on), so the async httptools transport answers with this stream instead, its bytes in
`content`; the readers take `content` when the stream is exactly this class and iterate any other.
"""

from __future__ import annotations

from . import httpx

__all__ = ["WholeBody"]


class WholeBody(httpx.ByteStream):
    """An `httpx.ByteStream` (sync and async alike) of `content`, which it yields as one chunk, as httpx's does."""

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.content = content
