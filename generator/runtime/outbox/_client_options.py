"""`ClientOptions`: every keyword a generated client takes, the outbox's included.

The connection's own settings are `ConnectionOptions` (`client/_connection.py`); the outbox's two live
here because their types belong to this optional wing, which the connection never imports.
"""

from __future__ import annotations

from ..client._connection import ConnectionOptions
from ._outbox_policy import DeliveryMode, OutboxPolicy

__all__ = ["ClientOptions"]


class ClientOptions(ConnectionOptions, total=False):
    """The settings a caller may pass to a generated client (each also has a `<PREFIX>_*` variable)."""

    outbox: OutboxPolicy | None
    deliver: DeliveryMode
