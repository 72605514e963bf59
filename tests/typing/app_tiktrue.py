"""An application written against the TikTrue SDK (cursor pagination): type-checked by `make lint`, never run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_type

from tiktrue_sdk import AsyncTikTrue, TikTrue
from tiktrue_sdk.errors import PermissionDeniedError
from tiktrue_sdk.models import PaymentSession


def payments(client: TikTrue) -> list[PaymentSession]:
    """history_all() yields PaymentSession items, fetching cursor pages as needed."""
    sessions = client.payments.history_all(page_size=50)
    assert_type(sessions, Iterator[PaymentSession])
    try:
        return list(sessions)
    except PermissionDeniedError:
        return []


def checkout(client: TikTrue) -> PaymentSession:
    """The body as a dict of PaymentCreateRequestDict: enum values as Literals."""
    return client.payments.create(body={"plan": "pro", "duration_months": 12})


async def first_payment(client: AsyncTikTrue) -> PaymentSession | None:
    async for session in client.payments.history_all(max_items=1):
        return session
    return None
