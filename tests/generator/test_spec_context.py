"""spec_context: what the templates learn from a spec beyond openapi-python-client's model."""

from __future__ import annotations

from typing import Any

from generator.spec_context import secret_fields

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/login": {
            "post": {
                "parameters": [
                    {"name": "X-Device-Pin", "in": "header", "schema": {"type": "string", "format": "password"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "user": {"type": "string"},
                                    "pass_phrase": {"type": "string", "format": "password"},
                                    "fingerprint": {"$ref": "#/components/schemas/Fingerprint"},
                                    "pin": {"$ref": "#/components/schemas/Plain", "writeOnly": True},
                                },
                            }
                        }
                    }
                },
            }
        }
    },
    "components": {
        "securitySchemes": {
            "tenantKey": {"type": "apiKey", "in": "header", "name": "X-Tenant-Key"},
            "bearer": {"type": "http", "scheme": "bearer"},
        },
        "schemas": {
            "Fingerprint": {"$ref": "#/components/schemas/Hex"},
            "Hex": {"type": "string", "writeOnly": True},
            "Plain": {"type": "string"},
            "Cycle": {"$ref": "#/components/schemas/Cycle"},
            "Account": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "recovery_code": {"type": "string", "writeOnly": True},
                    "loop": {"$ref": "#/components/schemas/Cycle"},
                    "broken": {"$ref": "#/components/schemas/Missing"},
                    "note": {"type": "string", "writeOnly": False},
                },
            },
        },
    },
}


def test_secret_fields_are_the_password_and_write_only_fields_of_the_whole_spec() -> None:
    """Properties and parameters whose schema says format: password or writeOnly: true (beside a $ref, or
    behind a chain of them), and the apiKey security schemes' names, are secret fields, sorted; cyclic or
    broken $refs end the search quietly."""
    expected = ("X-Device-Pin", "X-Tenant-Key", "fingerprint", "pass_phrase", "pin", "recovery_code")
    assert secret_fields(DOCUMENT) == expected


def test_a_spec_without_credentials_fields_has_none() -> None:
    """No format: password and no writeOnly: an empty tuple (the generated client passes nothing)."""
    assert secret_fields({"openapi": "3.0.3", "paths": {}}) == ()


def test_public_error_names_are_the_runtimes_whole_error_tree() -> None:
    """Every SDKError subclass the runtime exports is public, outbox and real-time errors included."""
    import generator.runtime as runtime
    from generator.spec_context import public_error_names

    names = public_error_names()
    assert {"SDKError", "OutboxError", "OutboxFullError", "RealtimeError", "RealtimeTimeoutError"} <= set(names)
    assert all(issubclass(getattr(runtime, name), runtime.SDKError) for name in names)
    assert list(names) == sorted(names)
