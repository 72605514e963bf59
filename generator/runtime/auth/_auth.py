"""`TokenRefreshAuth`: an httpx auth flow that keeps a token fresh and renews it once on a 401.

Rules:

- Before each request the current token is checked: once its renewal is due it is renewed first
  (`provider.refresh`, or `provider.fetch` when there is no token yet). The margin before `expires_at`
  scales with the token's lifetime: the smaller of `skew_s` (`DEFAULT_REFRESH_SKEW_S`) and
  `REFRESH_LIFETIME_FRACTION` of the lifetime (`Token.renewal_margin_s`), so a 30 s token is not due
  the moment it arrives. When an early renewal fails while the old token is still unexpired, the old
  token is used (WARNING logged).
- On a 401 the token is renewed once and the request replayed, if its body is replayable (bytes, not
  a consumed stream). A second 401 goes back to the caller as is: there is never a loop. A provider
  that cannot refresh (`refresh` returns None, e.g. a fixed key) makes the first 401 final.
- A renewal the server refuses raises `TokenRefreshError` (message says what to do, never a secret); one
  that got no answer after the token client's retries raises its `TransportError` (`ConnectError`,
  `RequestTimeout`, ...) naming the token request.
- Single flight: renewals run under a `threading.Lock` (sync) or an `asyncio.Lock` created lazily per
  event loop (async). Each installed token gets a new *generation*; a caller that waited on the lock
  and finds that a renewal completed while it waited uses the token that renewal produced (unless it
  has already expired, or it is the one a 401 just refused), even if its own renewal would be due
  again, and one that finds a renewal failed while it waited gets that failure without another call.
  So N concurrent requests holding an expired token cause one provider call. (A sync and an async renewal
  racing each other in different threads may both run; the later one wins.)

Token calls go through the *token client*: a plain `httpx.Client` / `httpx.AsyncClient` with the API's
base URL and TLS settings and **no auth** (so a token call can never re-enter this flow). Pass
`token_client` / `async_token_client`; they are borrowed, never closed here. Without one, a bare client
(no base URL) is built on first need and closed by `close()` / `aclose()`; that only suits providers
with absolute URLs or no HTTP at all (`StaticTokenProvider`).
"""

from __future__ import annotations

import copy
import logging
import threading
import weakref
from typing import TYPE_CHECKING

from ..core import httpx
from ..core._clock import Clock, SystemClock
from ..core._defaults import ANONYMOUS_EXTENSION, DEFAULT_REFRESH_SKEW_S
from ..core._errors import TokenRefreshError, TransportError
from ..core._lazy_request import origin_url, set_header
from ..pipeline._lean_auth import NO_REPLAY, LeanAuth
from ..pipeline._plaintext_guard import refuse_token_in_clear
from ._token import Token, TokenProvider
from ._token_store import MemoryTokenStore, TokenStore

if TYPE_CHECKING:  # annotations only: asyncio is imported where async code runs
    import asyncio


__all__ = ["DEFAULT_REFRESH_SKEW_S", "TokenRefreshAuth"]

_logger = logging.getLogger(__name__)

_Current = tuple[Token, int]
"""The token in use and its generation, swapped as one reference."""


class TokenRefreshAuth(LeanAuth):
    """Sends ``Authorization: <type> <token>`` and renews the token as the module docstring says.

    Args:
        provider: obtains and renews tokens (`StaticTokenProvider`, `LoginTokenProvider`,
            `ClientCredentialsProvider`, or any `TokenProvider`).
        store: where the token is kept; `MemoryTokenStore` when None. Loaded once, on first use, and
            saved after each renewal, synchronously even in async code (a small local write).
        skew_s: renew at most this long before expiry (default `DEFAULT_REFRESH_SKEW_S`); a shorter-lived
            token is renewed `REFRESH_LIFETIME_FRACTION` of its lifetime before expiry instead.
        clock: time source for expiry; `SystemClock` when None.
        token_client: plain sync client for token calls (see the module docstring).
        async_token_client: plain async client for token calls.
        require_https: refuse to send the token over plain HTTP except to a loopback host.

    Raises (from the request that triggers it):
        TokenRefreshError: getting or renewing the token failed.
        ConfigurationError: the request URL is plain HTTP to a remote host and `require_https` is set.
    """

    requires_request_body = False  # bodies are never needed up front; replay checks what was sent
    requires_response_body = False  # the status is enough: a 401's body is never read

    def __init__(
        self,
        provider: TokenProvider,
        *,
        store: TokenStore | None = None,
        skew_s: float = DEFAULT_REFRESH_SKEW_S,
        clock: Clock | None = None,
        token_client: httpx.Client | None = None,
        async_token_client: httpx.AsyncClient | None = None,
        require_https: bool = True,
    ) -> None:
        if skew_s < 0:
            raise ValueError(f"skew_s must be >= 0, got {skew_s}")
        self._provider = provider
        self._store: TokenStore = store if store is not None else MemoryTokenStore()
        self._skew_s = skew_s
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._token_client = token_client
        self._async_token_client = async_token_client
        # Clients this object built itself, and so closes; borrowed ones belong to their owner.
        self._owns_token_client = False
        self._owns_async_token_client = False
        self._require_https = require_https
        self._current: _Current | None = None
        self._generation = 0
        self._loaded = False
        self._finished = 0  # renewals completed (success or failure)
        self._failure: TokenRefreshError | TransportError | None = None  # how the last completed one failed
        self._guard = threading.Lock()  # short critical sections over the fields above
        self._sync_lock = threading.Lock()  # held while a sync renewal runs
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:
        return f"TokenRefreshAuth(provider={type(self._provider).__name__}, skew_s={self._skew_s})"

    @property
    def token(self) -> Token | None:
        """The token in use (None before the first request); its secrets stay masked in repr."""
        current = self._current
        return current[0] if current is not None else None

    def is_authenticated(self) -> bool:
        """True when a token is held (in memory, or in the store from an earlier run) and has not expired.

        No request is made and nothing is renewed: a token whose renewal is due still counts (the next
        request renews it), an expired one does not, even if its refresh token could renew it.
        """
        self._load_once()
        current = self._current
        return current is not None and not current[0].is_expired(now=self._clock.time())

    def clear(self) -> None:
        """Forget the token here and in the store (log out); the next request gets a new one."""
        with self._guard:
            self._current = None
            self._generation += 1
            self._loaded = True
        self._store.clear()

    def access_token(self) -> str:
        """The access token's value (without the scheme word), renewed first exactly as before a request.

        For credentials sent outside an HTTP header, e.g. a WebSocket auth frame. It shares the
        single-flight renewal of the flows: concurrent callers cause one provider call. Reveals the
        secret, so call it only to send it.

        Raises:
            TokenRefreshError: getting or renewing the token failed.
        """
        token, _ = _present(self._sync_obtain(rejected=None))
        return token.access_token.reveal()

    async def async_access_token(self) -> str:
        """`access_token` for async code (renews through the async token client, under the loop's lock)."""
        token, _ = _present(await self._async_obtain(rejected=None))
        return token.access_token.reveal()

    # -- the flow (`LeanAuth`'s, run by httpx or, as plain calls, by the SDK's lean client) ---------------

    def authorize_now(self, request: httpx.Request) -> int | None:
        if request.extensions.get(ANONYMOUS_EXTENSION):
            return NO_REPLAY  # the spec says this operation takes no credentials: send none, fetch none
        current = self._current
        if not self._fresh(current):
            return None  # a renewal is due (or no token yet): `authorize` does it under the lock
        assert current is not None  # (`_fresh` says so)
        self._check_scheme(request)
        set_header(request, "Authorization", current[0].authorization())
        return current[1]

    def authorize(self, request: httpx.Request) -> int:
        if request.extensions.get(ANONYMOUS_EXTENSION):
            return NO_REPLAY
        self._check_scheme(request)
        token, generation = _present(self._sync_obtain(rejected=None))
        set_header(request, "Authorization", token.authorization())
        return generation

    async def aauthorize(self, request: httpx.Request) -> int:
        if request.extensions.get(ANONYMOUS_EXTENSION):
            return NO_REPLAY
        self._check_scheme(request)
        token, generation = _present(await self._async_obtain(rejected=None))
        set_header(request, "Authorization", token.authorization())
        return generation

    def replay(self, request: httpx.Request, response: httpx.Response, ticket: int) -> bool:
        if ticket == NO_REPLAY or response.status_code != 401 or not _replayable(request):
            return False
        renewed = self._sync_obtain(rejected=ticket)
        if renewed is None:
            return False
        set_header(request, "Authorization", renewed[0].authorization())
        return True

    async def areplay(self, request: httpx.Request, response: httpx.Response, ticket: int) -> bool:
        if ticket == NO_REPLAY or response.status_code != 401 or not _replayable(request):
            return False
        renewed = await self._async_obtain(rejected=ticket)
        if renewed is None:
            return False
        set_header(request, "Authorization", renewed[0].authorization())
        return True

    # -- sync and async shells around the shared decisions -------------------------------------------

    def _sync_obtain(self, *, rejected: int | None) -> _Current | None:
        """A usable token; `rejected` is the generation the server just refused with a 401."""
        current, seen_finished = self._current, self._finished
        if rejected is None and self._fresh(current):
            return current
        with self._sync_lock:
            reusable = self._reuse(seen_finished, rejected=rejected)
            if reusable is not None:
                return reusable
            previous, now = self._begin_attempt()
            client = self._sync_client()
            try:
                if previous is None:
                    new: Token | None = self._provider.fetch(client, now=now)
                else:
                    new = self._provider.refresh(client, previous[0], now=now)
            except (TokenRefreshError, TransportError) as exc:
                return self._failed(exc, rejected=rejected)
            return self._succeeded(new, rejected=rejected)

    async def _async_obtain(self, *, rejected: int | None) -> _Current | None:
        """`_sync_obtain` under this event loop's lock."""
        current, seen_finished = self._current, self._finished
        if rejected is None and self._fresh(current):
            return current
        async with self._loop_lock():
            reusable = self._reuse(seen_finished, rejected=rejected)
            if reusable is not None:
                return reusable
            previous, now = self._begin_attempt()
            client = self._async_client()
            try:
                if previous is None:
                    new: Token | None = await self._provider.async_fetch(client, now=now)
                else:
                    new = await self._provider.async_refresh(client, previous[0], now=now)
            except (TokenRefreshError, TransportError) as exc:
                return self._failed(exc, rejected=rejected)
            return self._succeeded(new, rejected=rejected)

    def _loop_lock(self) -> asyncio.Lock:
        """The lock of the running loop: an asyncio.Lock must not be shared across loops."""
        import asyncio  # here: only async code gets this far, so a sync import stays free of asyncio

        loop = asyncio.get_running_loop()
        with self._guard:
            lock = self._async_locks.get(loop)
            if lock is None:
                lock = self._async_locks[loop] = asyncio.Lock()
            return lock

    # -- shared decisions (called with the renewal lock held) ----------------------------------------

    def _fresh(self, current: _Current | None) -> bool:
        """True when `current` exists and its renewal is not yet due."""
        return current is not None and not current[0].renewal_due(self._skew_s, now=self._clock.time())

    def _reuse(self, seen_finished: int, *, rejected: int | None) -> _Current | None:
        """A token to use without calling the provider, or None when the provider must be called."""
        self._load_once()
        current = self._current
        failure = self._failure
        renewal_finished = self._finished != seen_finished
        if current is not None and not current[0].is_expired(now=self._clock.time()):
            if rejected is None and (self._fresh(current) or (renewal_finished and failure is None)):
                return current  # fresh, or just produced by the renewal we waited on (due or not)
            if rejected is not None and current[1] != rejected:
                return current  # someone renewed it after our 401
        if failure is not None and renewal_finished:
            # A renewal failed while we waited: answer with that failure rather than hammer the server.
            return self._failed(copy.copy(failure), rejected=rejected, cause=failure)  # same class and message
        return None

    def _load_once(self) -> None:
        """Adopt the store's token on first use (a file store may hold one from an earlier run)."""
        if self._loaded:
            return
        stored = self._store.load()
        with self._guard:
            self._loaded = True
            if stored is not None and self._current is None:
                self._generation += 1
                self._current = (stored, self._generation)

    def _begin_attempt(self) -> tuple[_Current | None, float]:
        """The token to renew and the time the renewal starts (its `expires_in` counts from here)."""
        with self._guard:
            return self._current, self._clock.time()

    def _failed(
        self, exc: TokenRefreshError | TransportError, *, rejected: int | None, cause: BaseException | None = None
    ) -> _Current:
        """Keep an unexpired token after a failed early renewal; otherwise raise."""
        with self._guard:
            if cause is None:
                self._finished += 1
                self._failure = exc
            current = self._current
        if rejected is None and current is not None and not current[0].is_expired(now=self._clock.time()):
            _logger.warning("Renewing the token before its expiry failed; the current one is kept: %s", exc)
            return current
        if cause is not None:
            raise exc from cause
        raise exc

    def _succeeded(self, new: Token | None, *, rejected: int | None) -> _Current | None:
        """Install `new` as the next generation; None from `refresh` keeps the old token (or ends a 401)."""
        with self._guard:
            self._finished += 1
            self._failure = None
            if new is None:
                return None if rejected is not None else self._current
            self._generation += 1
            current = self._current = (new, self._generation)
        try:
            self._store.save(new)
        except OSError as exc:
            _logger.warning("Could not save the new token (%s); it is kept in memory only.", type(exc).__name__)
        return current

    # -- token clients and guards -------------------------------------------------------------------

    def _sync_client(self) -> httpx.Client:
        if self._token_client is None:
            built = httpx.Client()
            self._token_client, self._owns_token_client = built, True
        return self._token_client

    def _async_client(self) -> httpx.AsyncClient:
        if self._async_token_client is None:
            built = httpx.AsyncClient()
            self._async_token_client, self._owns_async_token_client = built, True
        return self._async_token_client

    @property
    def require_https(self) -> bool:
        """Whether the token is refused to plain-text hosts that are not loopback (`_plaintext_guard.py`)."""
        return self._require_https

    def _check_scheme(self, request: httpx.Request) -> None:
        """Refuse to put a credential on an unencrypted connection to another machine."""
        refuse_token_in_clear(  # its scheme and host only: a lazy request's URL is not parsed for them
            origin_url(request), require_https=self._require_https, setting="base_url", fix="Use an https:// base URL"
        )

    def close(self) -> None:
        """Close the sync token client this object built itself (borrowed clients are left open)."""
        if self._owns_token_client and self._token_client is not None:
            self._token_client.close()
            self._token_client, self._owns_token_client = None, False

    async def aclose(self) -> None:
        """Close the token clients this object built itself (borrowed clients are left open)."""
        self.close()
        if self._owns_async_token_client and self._async_token_client is not None:
            await self._async_token_client.aclose()
            self._async_token_client, self._owns_async_token_client = None, False


def _present(current: _Current | None) -> _Current:
    """The token for a first send; only a provider breaking its contract leaves none."""
    if current is None:
        raise TokenRefreshError(
            "The token provider produced no token. Check the auth configuration, or report this to the SDK maintainers."
        )
    return current


def _replayable(request: httpx.Request) -> bool:
    """Only an in-memory body can be sent again; a generator stream was consumed by the first send."""
    return isinstance(request.stream, httpx.ByteStream)
