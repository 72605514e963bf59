"""What an error message may show of an HTTP exchange: redacted URL, request id, parsed, truncated body.

Never the request headers, never a query value. The body goes through the client's redaction policy
(`_redaction.redaction_for`: the one its log lines use), so secret fields are masked as in a DEBUG log
line and any credential the request carried (auth headers, secret query or body fields, found by
`Redaction.known_secrets`) is cut out of text the server may have echoed: messages built from these
helpers are safe to log.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import json
import time

import attrs

from . import httpx
from ._defaults import MAX_BODY_IN_MESSAGE_CHARS, RECEIVED_HEADERS_EXTENSION
from ._received_headers import received_headers
from ._redaction import REDACTED, Redaction, redaction_for

__all__ = [
    "body_excerpt",
    "describe",
    "find_request_id",
    "id_part",
    "parse_body",
    "redact_url",
    "scrubbed",
    "server_now",
    "truncate",
]


def redact_url(url: httpx.URL | str) -> str:
    """The URL without user info or fragment, each query value replaced by ``REDACTED``."""
    url = httpx.URL(url)
    port = f":{url.port}" if url.port is not None else ""
    query = "&".join(f"{key}={REDACTED}" for key, _ in url.params.multi_items())
    path = url.raw_path.partition(b"?")[0].decode("ascii", "replace")  # percent-encoded: no control characters
    return f"{url.scheme}://{url.host}{port}{path}" + (f"?{query}" if query else "")


def find_request_id(response: httpx.Response) -> str | None:
    """The server's id for this exchange, for support tickets: the first of `REQUEST_ID_HEADERS` with a
    value, joined with ``, `` when repeated and decoded as httpx decodes headers (`ReceivedHeaders`)."""
    # the body reader has usually made the `ReceivedHeaders` already: taken here without `received_headers`'s call
    received = response.extensions.get(RECEIVED_HEADERS_EXTENSION) or received_headers(response)
    value = received.request_id()
    if not value:
        return None
    if value.isascii():
        return value.decode("ascii")
    return value.decode(response.headers.encoding)  # rare: decoded as httpx decodes the whole set


def _content(response: httpx.Response) -> bytes | None:
    """The body bytes, reading a sync stream if needed; None if it cannot be read here."""
    try:
        return response.content
    except httpx.ResponseNotRead:
        try:
            return response.read()
        except (RuntimeError, httpx.StreamError):  # an unread async stream: use araise_for_status
            return None


def parse_body(response: httpx.Response) -> object:
    """The JSON value if the body is JSON, else its text; None when empty or unreadable."""
    content = _content(response)
    if not content:
        return None
    text = response.text
    if "json" in response.headers.get("content-type", "") or text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested past Python's recursion limit: kept as text
            pass
    return text


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text) - limit} more chars)"


def scrubbed(response: httpx.Response, text: str) -> str:
    """`text` with secret ``name=value`` pairs masked and every credential value the request carried cut out
    (the server may echo one back)."""
    policy = redaction_for(response.request)
    return policy.text(text, policy.known_secrets(response.request))


@functools.lru_cache(maxsize=16)
def _for_messages(policy: Redaction) -> Redaction:
    """`policy` cutting bodies at `MAX_BODY_IN_MESSAGE_CHARS`, as an error message shows them."""
    return attrs.evolve(policy, max_body_chars=MAX_BODY_IN_MESSAGE_CHARS)


def body_excerpt(response: httpx.Response) -> str:
    """The body for a message, rendered as the DEBUG log renders it (secret fields masked, known secrets cut
    out), then truncated, so a cut never shows half of one."""
    content = _content(response)
    if not content:
        return "(empty)"
    policy = _for_messages(redaction_for(response.request))
    return policy.body(content, response.headers.get("content-type", ""), policy.known_secrets(response.request))


def describe(response: httpx.Response) -> str:
    return f"{response.request.method} {redact_url(response.request.url)}"


def id_part(request_id: str | None) -> str:
    return f" (request id {request_id})" if request_id else ""


def server_now(response: httpx.Response) -> float:
    """The server's clock from its Date header, so an HTTP-date Retry-After is read against it."""
    date = response.headers.get("date")
    if date:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            return email.utils.parsedate_to_datetime(date).timestamp()
    return time.time()
