"""One SDK's response schemas, checked against every success body before a model is built from it.

The generator writes the SDK's definitions once (``<package>/_response_schemas.py``: ``SCHEMAS =
ResponseSchemas({...})``) and each operation module asks it for a `ResponseCheck` per documented status
(``_CHECK_200 = SCHEMAS.check_for({"$ref": "Pet"})``). A check compiles its schema on first use, under a
lock, and shares compiled definitions with every other operation; after that a call is one walk of the
decoded body. Clients made with ``validate_responses=False`` skip the call entirely.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ..core import httpx
from ..core._errors import ResponseValidationError
from ._schema_check import Check, SchemaCompiler

__all__ = ["ResponseCheck", "ResponseSchemas"]


class ResponseSchemas:
    """The definitions (``$ref`` targets) of one SDK's response schemas, compiled lazily and once."""

    def __init__(self, definitions: Mapping[str, Any]) -> None:
        self._compiler = SchemaCompiler(definitions)
        self._lock = threading.Lock()

    def check_for(self, schema: Mapping[str, Any]) -> ResponseCheck:
        """The check of one operation's success body for one status (compiled when first called)."""
        return ResponseCheck(self, schema)

    def compile(self, schema: Mapping[str, Any]) -> Check:
        with self._lock:  # definitions are shared: two threads must not compile one definition at once
            return self._compiler.compile(schema)


class ResponseCheck:
    """Checks a decoded success body against its schema; raises `ResponseValidationError` on the first mismatch."""

    __slots__ = ("_check", "_schema", "_schemas")

    def __init__(self, schemas: ResponseSchemas, schema: Mapping[str, Any]) -> None:
        self._schemas = schemas
        self._schema = schema
        self._check: Check | None = None

    def __call__(self, response: httpx.Response, body: object) -> None:
        """Check `body` (``response.json()``).

        Raises:
            ResponseValidationError: with the JSON pointer of the first bad field, what the spec expects
                there and what came; the status and the request id come from `response`.
        """
        check = self._check
        if check is None:
            check = self._check = self._schemas.compile(self._schema)
        mismatch = check(body)
        if mismatch is not None:
            raise ResponseValidationError(
                path=mismatch.pointer,
                reason=mismatch.reason,
                response=response,
                pointer=mismatch.pointer,
                expected=mismatch.expected,
                actual=mismatch.actual,
            )
