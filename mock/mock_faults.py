"""Latency and faults on demand: per request through `Prefer`, per mock through `/_mock/faults` and `/_mock/latency`.

Per request (`Prefer: delay=800, fault=503`): `delay=<ms>` waits before answering; `fault=reset` closes
the connection without an answer, `fault=timeout` never answers (until `TIMEOUT_FAULT_S`), `fault=<status>`
answers that status at once (the operation's documented example when it has one). Per mock: every API
request fails with `status` at probability `rate` (with `Retry-After: retry_after` when set; `status=reset`
closes the connection instead, for a client's retries on connection errors), and every one waits
`latency_ms`. The dice come from a `random.Random(seed)`, so a seeded run repeats itself.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

import attrs

TIMEOUT_FAULT_S = 120.0
RESET = "reset"
MAX_DELAY_MS = 60_000


class FaultSettingError(ValueError):
    """A control query or a `Prefer` value that is out of range; the message names it."""


@attrs.frozen(kw_only=True)
class FaultPlan:
    """What to do to one request before (or instead of) answering it."""

    delay_ms: int = 0
    fault: str | None = None  # "reset" | "timeout" | a status such as "503"
    retry_after_s: int | None = None


@attrs.frozen(kw_only=True)
class FaultSettings:
    """The per-mock faults and latency; `None` rate means no random faults."""

    rate: float | None = None
    status: int | str = 503  # or RESET: the connection is closed unanswered
    retry_after_s: int | None = None
    latency_ms: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "rate": self.rate,
            "status": self.status,
            "retry_after": self.retry_after_s,
            "latency_ms": self.latency_ms,
        }


def prefer_items(header: str | None) -> dict[str, str]:
    """`Prefer: delay=800, fault=503; x=1` as {"delay": "800", "fault": "503", "x": "1"}."""
    items: dict[str, str] = {}
    for part in (header or "").replace(";", ",").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            items[name.strip().lower()] = value.strip().strip('"')
    return items


def _number(query: Mapping[str, str], name: str, low: float, high: float) -> float | None:
    text = query.get(name)
    if text is None or text == "":
        return None
    try:
        value = float(text)
    except ValueError as exc:
        raise FaultSettingError(f"{name}={text!r} is not a number") from exc
    if not low <= value <= high:
        raise FaultSettingError(f"{name}={text} is outside {low:g}..{high:g}")
    return value


def faults_from_query(current: FaultSettings, query: Mapping[str, str]) -> FaultSettings:
    """`current` changed by `/_mock/faults?rate=0.3&status=503&retry_after=2` (rate=0 turns faults off;
    `status=reset` closes connections instead)."""
    rate = _number(query, "rate", 0, 1)
    reset = query.get("status") == RESET
    status = None if reset else _number(query, "status", 400, 599)
    retry_after = _number(query, "retry_after", 0, 86400)
    return attrs.evolve(
        current,
        rate=(rate or None) if "rate" in query else current.rate,
        status=RESET if reset else int(status) if status is not None else current.status,
        retry_after_s=int(retry_after) if retry_after is not None else current.retry_after_s,
    )


def latency_from_query(current: FaultSettings, query: Mapping[str, str]) -> FaultSettings:
    """`current` changed by `/_mock/latency?ms=200`."""
    ms = _number(query, "ms", 0, MAX_DELAY_MS)
    return attrs.evolve(current, latency_ms=int(ms or 0))


def plan(settings: FaultSettings, prefer: str | None, rng: random.Random) -> FaultPlan:
    """The faults for one API request: its own `Prefer` wins over the mock's dice."""
    asked = prefer_items(prefer)
    delay_ms = settings.latency_ms
    if "delay" in asked:
        try:
            delay_ms = min(MAX_DELAY_MS, max(0, int(float(asked["delay"]))))
        except ValueError:
            delay_ms = settings.latency_ms
    fault = asked.get("fault") or None
    if fault is not None and fault not in (RESET, "timeout") and not (fault.isdigit() and 400 <= int(fault) <= 599):
        fault = None
    if fault is None and settings.rate is not None and rng.random() < settings.rate:
        fault = str(settings.status)
    return FaultPlan(delay_ms=delay_ms, fault=fault, retry_after_s=settings.retry_after_s)
