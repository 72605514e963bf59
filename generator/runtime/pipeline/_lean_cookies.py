"""`WatchedJar`: the lean clients' cookie jar, which can tell it never held a cookie without counting.

It is the library's own jar class (httpx's `CookieJar`, httpx2's indexed one) with one note added.

The short path serves a client whose cookie jar is empty (`_lean_client.py`). A `CookieJar` answers that by
counting its cookies: a call, a generator over its nested dicts and a sort, on every request. Every cookie
enters a jar through its `set_cookie` (httpx's `Cookies.set`, the jar's own `extract_cookies` and
`set_cookie_if_ok` alike), so a jar that notes its first cookie answers "never held one" with an attribute
read; once it has held one it is counted as before (it may have been cleared since).
"""

from __future__ import annotations

from http.cookiejar import Cookie, CookieJar
from typing import TYPE_CHECKING

from ..core import httpx

__all__ = ["WatchedJar"]

if TYPE_CHECKING:
    _LibraryJar = CookieJar
else:
    _LibraryJar = type(httpx.Cookies().jar)  # the jar the library gives a client: httpx2's is its indexed one


class WatchedJar(_LibraryJar):
    """The library's own cookie jar, noting (`touched`) that a cookie was set in it; it shows itself as one."""

    touched = False
    """True once a cookie was set (the jar may have been cleared since); False: it never held one."""

    def set_cookie(self, cookie: Cookie) -> None:
        self.touched = True  # before the cookie is in: a reader that sees False cannot see the cookie either
        super().set_cookie(cookie)

    def __repr__(self) -> str:
        return super().__repr__().replace(type(self).__name__, _LibraryJar.__name__, 1)

    def __str__(self) -> str:
        return super().__str__().replace(type(self).__name__, _LibraryJar.__name__, 1)
