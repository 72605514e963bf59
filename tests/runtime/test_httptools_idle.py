"""`IdleConnections`, the idle bookkeeping both httptools pools share: LIFO per origin, expiry, eviction."""

from __future__ import annotations

import attrs
from runtime.fast._httptools_idle import IdleConnections

A = ("http", b"a.test", 80)
B = ("https", b"b.test", 443)


@attrs.define(eq=False)
class Conn:
    origin: tuple[str, bytes, int]
    idle: bool = False
    expires_at: float = 0.0


def test_the_newest_idle_connection_of_the_origin_is_taken_first() -> None:
    """LIFO per origin keeps the busy few warm; another origin's connections are not handed out."""
    idle: IdleConnections[Conn] = IdleConnections()
    old, new, other = Conn(A), Conn(A), Conn(B)
    for connection in (old, new, other):
        idle.put(connection, 100.0)
    assert len(idle) == 3 and new.idle
    assert idle.take(A, 50.0) == (new, [])
    assert not new.idle and len(idle) == 2
    assert idle.take(A, None) == (old, [])
    assert idle.take(A, None) == (None, [])


def test_an_expired_connection_comes_back_for_closing_with_every_older_one() -> None:
    """Past its expires_at the newest is not handed out; it and the older ones of its origin are taken out."""
    idle: IdleConnections[Conn] = IdleConnections()
    first, second, other = Conn(A), Conn(A), Conn(B)
    idle.put(first, 10.0)
    idle.put(second, 20.0)
    idle.put(other, 10.0)
    connection, expired = idle.take(A, 20.0)
    assert connection is None and expired == [second, first]
    assert not first.idle and not second.idle and len(idle) == 1


def test_pop_oldest_remove_and_drain() -> None:
    """The oldest idle connection makes room; one closed while idle leaves; drain empties everything."""
    idle: IdleConnections[Conn] = IdleConnections()
    first, second, third = Conn(A), Conn(B), Conn(A)
    for connection in (first, second, third):
        idle.put(connection, 0.0)
    assert idle.pop_oldest() is first and not first.idle
    idle.remove(third)
    idle.remove(third)  # already out: nothing happens
    assert len(idle) == 1 and not third.idle
    assert idle.drain() == [second] and len(idle) == 0 and not second.idle
    assert idle.pop_oldest() is None
