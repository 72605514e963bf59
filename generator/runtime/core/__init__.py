"""Core: the error tree, clock, secrets, defaults, the environment and what every other wing builds on.

``httpx`` here is the HTTP library the SDK runs on (httpx or httpx2), named only by `_http.py`, the
seam: every other module takes it as ``from ..core import httpx``.
"""

from . import _http

httpx = _http.httpx

__all__ = ["httpx"]
