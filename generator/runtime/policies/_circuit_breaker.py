"""Circuit breaker policy: the `CircuitBreaker` value and the per-host state machine it drives.

Stop calling a host that keeps failing, then probe it before trusting it again. The httpx transports
that apply it live in `pipeline/_circuit.py`.

Per host (``host[:port]``), `HostCircuits` runs this state machine (pure, thread-safe, shared by the
sync and async transports):

```
CLOSED --(failure_threshold consecutive failures)--> OPEN --(recovery_timeout_s elapsed)--> HALF_OPEN
HALF_OPEN --(the one probe succeeds)--> CLOSED      HALF_OPEN --(the probe fails)--> OPEN
```

Open: calls fail fast with `CircuitOpenError`, no I/O. Half-open: exactly one probe goes through, other
calls fail fast meanwhile. Failures are transient ones only: connect errors, timeouts, network errors,
and statuses in `CircuitBreaker.failure_statuses` (500/502/503/504 by default, not 429: a rate limit
says the host is alive). Other responses count as successes and reset the count; other exceptions
count as neither.
"""

from __future__ import annotations

import enum
import threading
from typing import Any

import attrs

from ..core._defaults import (
    DEFAULT_CIRCUIT_FAILURE_THRESHOLD,
    DEFAULT_CIRCUIT_RECOVERY_TIMEOUT_S,
    TRANSIENT_STATUSES,
)
from ..core._errors import ConnectError, RequestTimeout, status_error_class
from ._timeouts import positive_seconds

__all__ = [
    "Admission",
    "CircuitBreaker",
    "CircuitState",
    "CircuitStateChanged",
    "HostCircuits",
    "Outcome",
    "Permit",
]


class CircuitState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@attrs.frozen(kw_only=True)
class CircuitStateChanged:
    """The circuit for `host` moved from `old` to `new`."""

    host: str
    old: CircuitState
    new: CircuitState


def _positive_int(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a count >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{attribute.name} must be an int >= 1, not {value!r}")


@attrs.frozen(kw_only=True)
class CircuitBreaker:
    """Opt-in breaker settings (None in `ClientSettings.circuit` means no breaker).

    Defaults: `DEFAULT_CIRCUIT_FAILURE_THRESHOLD` consecutive failures open the circuit for
    `DEFAULT_CIRCUIT_RECOVERY_TIMEOUT_S`; `failure_statuses` defaults to `TRANSIENT_STATUSES`.
    """

    failure_threshold: int = attrs.field(default=DEFAULT_CIRCUIT_FAILURE_THRESHOLD, validator=_positive_int)
    recovery_timeout_s: float = attrs.field(default=DEFAULT_CIRCUIT_RECOVERY_TIMEOUT_S, validator=positive_seconds)
    failure_statuses: frozenset[int] = TRANSIENT_STATUSES
    count_transport_errors: bool = True  # connect errors, timeouts and dropped connections count as failures

    @classmethod
    def for_errors(
        cls,
        errors: tuple[type[BaseException], ...],
        *,
        failure_threshold: int = DEFAULT_CIRCUIT_FAILURE_THRESHOLD,
        recovery_timeout_s: float = DEFAULT_CIRCUIT_RECOVERY_TIMEOUT_S,
    ) -> CircuitBreaker:
        """A breaker counting as failures exactly the calls that would raise one of `errors`.

        Each error status counts if the class `raise_for_status` raises for it is a subclass of one of
        `errors` (``ServerError``: every 5xx); transport failures count if ``ConnectError`` or
        ``RequestTimeout`` is (``TransportError`` covers both).

        Raises:
            ValueError: `errors` is not a tuple of exception classes, or a count or duration is out of range.
        """
        if not isinstance(errors, tuple) or not all(
            isinstance(error, type) and issubclass(error, BaseException) for error in errors
        ):
            raise ValueError(f"errors must be a tuple of exception classes, not {errors!r}")
        statuses = frozenset(status for status in range(400, 600) if issubclass(status_error_class(status), errors))
        transport = any(issubclass(error, errors) for error in (ConnectError, RequestTimeout))
        return cls(
            failure_threshold=failure_threshold,
            recovery_timeout_s=recovery_timeout_s,
            failure_statuses=statuses,
            count_transport_errors=transport,
        )


class Permit(enum.Enum):
    """Why a call was let through."""

    NORMAL = "normal"
    PROBE = "probe"
    """The single half-open trial call."""


class Outcome(enum.Enum):
    SUCCESS = "success"
    FAILURE = "failure"
    NEUTRAL = "neutral"
    """Neither: e.g. cancelled or a local error; a probe's slot is simply given back."""


@attrs.define
class _Host:
    """One host's mutable state, only changed under `HostCircuits._lock` (`quiet` reads it without)."""

    state: CircuitState = CircuitState.CLOSED
    failures: int = 0
    opened_at: float = 0.0
    probe_in_flight: bool = False


@attrs.frozen
class Admission:
    """`permit` None means fail fast; `retry_in_s` then says for how long the circuit stays open."""

    permit: Permit | None
    retry_in_s: float
    changes: tuple[CircuitStateChanged, ...]


_ADMIT_NORMAL = Admission(Permit.NORMAL, 0.0, ())
"""What `admit` answers for a closed circuit (the common case): immutable, so one object serves all."""

# Module-level aliases for the hot path: reading an Enum member off its class costs an attribute lookup
# through the enum machinery on every call (Python 3.11).
_CLOSED, _OPEN, _HALF_OPEN = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN
_PROBE = Permit.PROBE
_SUCCESS, _FAILURE, _NEUTRAL = Outcome.SUCCESS, Outcome.FAILURE, Outcome.NEUTRAL


class HostCircuits:
    """The per-host state machines of one client. Times are `Clock.monotonic()` seconds."""

    def __init__(self, config: CircuitBreaker) -> None:
        self.config = config
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def state(self, host: str) -> CircuitState:
        with self._lock:
            return self._hosts.get(host, _Host()).state

    def _entry(self, host: str) -> _Host:
        """`host`'s state, created closed on first sight (call with the lock held)."""
        entry = self._hosts.get(host)
        if entry is None:
            entry = self._hosts[host] = _Host()
        return entry

    def quiet(self, host: str) -> bool:
        """True while `host`'s circuit is closed with no failure counted: a call is then admitted as a normal
        one (what `admit` answers, with no change), and a success changes nothing (`record` would reset a
        count that is 0), so the transports skip both. Read without the lock, as an attribute read is
        atomic: the answer is the state at one instant, as if `admit` or `record` ran just then, before or
        after a concurrent call's change."""
        entry = self._hosts.get(host)
        return entry is not None and entry.state is _CLOSED and not entry.failures

    def admit(self, host: str, now: float) -> Admission:
        """Let a call to `host` through (as a normal call or the probe), or say it must fail fast."""
        with self._lock:
            entry = self._entry(host)
            if entry.state is _CLOSED:
                return _ADMIT_NORMAL
            if entry.state is _OPEN:
                left = entry.opened_at + self.config.recovery_timeout_s - now
                if left > 0:
                    return Admission(None, left, ())
                entry.state, entry.probe_in_flight = _HALF_OPEN, True
                change = CircuitStateChanged(host=host, old=_OPEN, new=_HALF_OPEN)
                return Admission(_PROBE, 0.0, (change,))
            if entry.probe_in_flight:
                return Admission(None, 0.0, ())
            entry.probe_in_flight = True
            return Admission(_PROBE, 0.0, ())

    def record(self, host: str, permit: Permit, outcome: Outcome, now: float) -> tuple[CircuitStateChanged, ...]:
        """Account for a finished call; returns the state changes it caused."""
        with self._lock:
            entry = self._entry(host)
            old = entry.state
            if permit is _PROBE:
                entry.probe_in_flight = False
                if outcome is _SUCCESS:
                    entry.state, entry.failures = _CLOSED, 0
                elif outcome is _FAILURE:
                    entry.state, entry.opened_at = _OPEN, now
            elif entry.state is _CLOSED:  # late results of calls admitted earlier are ignored
                if outcome is _SUCCESS:
                    entry.failures = 0
                elif outcome is _FAILURE:
                    entry.failures += 1
                    if entry.failures >= self.config.failure_threshold:
                        entry.state, entry.opened_at = _OPEN, now
            if entry.state is old:
                return ()
            return (CircuitStateChanged(host=host, old=old, new=entry.state),)
