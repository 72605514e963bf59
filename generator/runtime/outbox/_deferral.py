"""Per call: does a deferrable write go straight out, or through the durable outbox?

Operations the spec marks ``x-sdk-deferrable: true`` take ``deliver="direct" | "queued"`` (default: the
client's ``deliver`` setting, itself "direct" unless changed). "queued" sends the request at once when
the network is up and stores it in the outbox (with its idempotency key) when it fails with a
connection error, a timeout or a retryable status; the outbox worker delivers it later.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..client._connection import SdkIdentity
from ..core import httpx
from ..core._clock import Clock
from ..core._errors import ConfigurationError, translate_transport_errors
from ._outbox_policy import DeliveryMode, OutboxPolicy, QueuedReceipt

if TYPE_CHECKING:  # the outbox itself (sqlite3, threads, asyncio) is imported only when a client configures one
    from ._outbox import Outbox

__all__ = ["Deferral"]

_MODES = ("direct", "queued")
_NO_OUTBOX = "deliver='queued' needs an outbox: pass outbox=OutboxPolicy(...) to the client"


class Deferral:
    """The client's outbox (or none) and its default delivery mode, shared by every resource method."""

    def __init__(
        self,
        outbox: Outbox | None = None,
        *,
        default: DeliveryMode = "direct",
        probe_path: str | None = None,
        probe_operation_id: str = "probe",
    ) -> None:
        if default not in _MODES:
            raise ConfigurationError(f"deliver={default!r} must be 'direct' or 'queued'", setting="deliver")
        if default == "queued" and outbox is None:
            raise ConfigurationError(
                "deliver='queued' needs an outbox: pass outbox=OutboxPolicy(...)", setting="outbox"
            )
        self.outbox = outbox
        self.default = default
        self._probe_path = probe_path
        self._probe_operation_id = probe_operation_id
        self._async_started = False

    @classmethod
    def for_connection(cls, identity: SdkIdentity, options: Mapping[str, Any], clock: Clock | None) -> Deferral:
        """The outbox the client's options ask for (none by default) and the default delivery mode.

        The generated client hands this to its connection (`client/_connection.py`), which calls it once
        its settings are loaded: the connection itself never imports this optional wing.
        """
        policy = options.get("outbox")
        if policy is not None and not isinstance(policy, OutboxPolicy):
            raise ConfigurationError("outbox must be an OutboxPolicy or None", setting="outbox")
        if policy is None:
            return cls(default=options.get("deliver", "direct"))
        from ._outbox import Outbox  # here, not above: a client without an outbox never loads sqlite3 or asyncio

        return cls(
            Outbox(policy, package=identity.package, clock=clock),
            default=options.get("deliver", "direct"),
            probe_path=identity.health_path,
            probe_operation_id=identity.health_operation_id,
        )

    def queues(self, deliver: DeliveryMode | None) -> bool:
        """Whether this call goes through the outbox; ConfigurationError for "queued" without one."""
        mode = self.default if deliver is None else deliver
        if mode not in _MODES:
            raise ConfigurationError(f"deliver={mode!r} must be 'direct' or 'queued'", setting="deliver")
        if mode == "queued" and self.outbox is None:
            raise ConfigurationError(
                "deliver='queued' needs an outbox: pass outbox=OutboxPolicy(...)", setting="outbox"
            )
        return mode == "queued"

    def start(self, http: httpx.Client) -> None:
        """Start the delivery thread (sync clients), probing the spec's health operation."""
        if self.outbox is not None:
            self.outbox.start(http, probe=self._sync_probe(http))

    def send_or_queue(
        self, http: httpx.Client, request_kwargs: dict[str, Any], *, operation_id: str
    ) -> httpx.Response | QueuedReceipt:
        assert self.outbox is not None  # queues() said so
        with translate_transport_errors():
            return self.outbox.send_or_queue(http, request_kwargs, operation_id=operation_id)

    async def asend_or_queue(
        self, http: httpx.AsyncClient, request_kwargs: dict[str, Any], *, operation_id: str
    ) -> httpx.Response | QueuedReceipt:
        assert self.outbox is not None
        if not self._async_started:  # the delivery task needs a running loop: started on first use
            self.outbox.start_async(http, probe=self._async_probe(http))
            self._async_started = True
        with translate_transport_errors():
            return await self.outbox.asend_or_queue(http, request_kwargs, operation_id=operation_id)

    def close(self) -> None:
        if self.outbox is not None:
            self.outbox.close()

    async def aclose(self) -> None:
        if self.outbox is not None:
            await self.outbox.aclose()

    def _sync_probe(self, http: httpx.Client) -> Any:
        if self._probe_path is None:
            return lambda: True  # no health operation in the spec: try the queued requests themselves
        from ._outbox_worker import http_probe  # with the outbox: the worker module imports asyncio

        return http_probe(http, self._probe_path, operation_id=self._probe_operation_id, anonymous=True)

    def _async_probe(self, http: httpx.AsyncClient) -> Any:
        if self._probe_path is None:

            async def always() -> bool:
                return True

            return always
        from ._outbox_worker import async_http_probe

        return async_http_probe(http, self._probe_path, operation_id=self._probe_operation_id, anonymous=True)
