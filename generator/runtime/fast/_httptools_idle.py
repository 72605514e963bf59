"""`IdleConnections`: the kept-alive connections of a pool that wait for their next exchange, by origin.

Shared by the async and sync httptools pools; pure bookkeeping, no I/O and no lock (the sync pool holds
its own around every call). A request takes the most recently used idle connection of its origin (LIFO
keeps the busy few warm and lets the rest expire); a connection past its ``expires_at`` is handed back
for closing with every older one of its origin, which expired before it. Each connection's ``idle`` flag
says whether it is in here.
"""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar

__all__ = ["IdleConnections"]


class _Idling(Protocol):
    origin: tuple[str, bytes, int]
    idle: bool
    expires_at: float


ConnectionT = TypeVar("ConnectionT", bound=_Idling)


class IdleConnections(Generic[ConnectionT]):
    """Idle connections by origin, newest last (see the module docstring); `len()` counts them all."""

    __slots__ = ("_by_origin", "_count")

    def __init__(self) -> None:
        self._by_origin: dict[tuple[str, bytes, int], list[ConnectionT]] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def put(self, connection: ConnectionT, expires_at: float) -> None:
        """Keep `connection` until `expires_at` (the pool's clock; any value when nothing expires)."""
        connection.idle = True
        connection.expires_at = expires_at
        idle = self._by_origin.get(connection.origin)
        if idle is None:
            self._by_origin[connection.origin] = [connection]
        else:
            idle.append(connection)
        self._count += 1

    def take(self, origin: tuple[str, bytes, int], now: float | None) -> tuple[ConnectionT | None, list[ConnectionT]]:
        """The newest idle connection of `origin` still valid at `now` (None: nothing expires), and the
        expired ones taken out for the caller to close."""
        idle = self._by_origin.get(origin)
        if not idle:
            return None, []
        connection = idle.pop()
        self._count -= 1
        connection.idle = False
        if now is None or connection.expires_at > now:
            return connection, []
        expired = [connection, *idle]
        self._count -= len(idle)
        idle.clear()
        for old in expired:
            old.idle = False
        return None, expired

    def pop_oldest(self) -> ConnectionT | None:
        """The longest-idle connection of some origin, taken out (None when there is none)."""
        for idle in self._by_origin.values():
            if idle:
                oldest = idle.pop(0)
                self._count -= 1
                oldest.idle = False
                return oldest
        return None

    def remove(self, connection: ConnectionT) -> None:
        """Take out a connection that closed while idle (no-op when it is not in here)."""
        if connection.idle:
            connection.idle = False
            self._by_origin[connection.origin].remove(connection)
            self._count -= 1

    def drain(self) -> list[ConnectionT]:
        """Take out every idle connection."""
        every = [connection for idle in self._by_origin.values() for connection in idle]
        self._by_origin.clear()
        self._count = 0
        for connection in every:
            connection.idle = False
        return every
