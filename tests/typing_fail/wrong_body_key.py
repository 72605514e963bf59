"""Must FAIL both type checkers (tests/sdk/test_typed_bodies.py checks that it does): a dict body is a TypedDict,
so a misspelt key or a value of the wrong type is a type error, not a silent drop at run time."""

from __future__ import annotations

from myrvm_sdk import MyRVM


def misspelt(client: MyRVM) -> None:
    client.timezone.sync_manual(body={"device_id": "rvm-0042", "triger": "api"})  # WRONG KEY


def wrong_value(client: MyRVM) -> None:
    client.timezone.sync_manual(body={"device_id": "rvm-0042", "trigger": "by hand"})  # WRONG VALUE
