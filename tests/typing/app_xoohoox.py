"""An application written against the Xoohoox SDK (envelope unwrapped): type-checked by `make lint`, never run."""

from __future__ import annotations

from typing import assert_type

from xoohoox_sdk import AsyncXoohoox, Xoohoox
from xoohoox_sdk.errors import NotFoundError, XoohooxError
from xoohoox_sdk.models import Batch, BatchCreate, BatchPage


def batch_or_none(client: Xoohoox, batch_id: str) -> Batch | None:
    """A plain method returns the envelope's data, typed as the model."""
    try:
        batch = client.batches.get(batch_id)
    except NotFoundError:
        return None
    assert_type(batch, Batch)
    return batch


def first_page(client: Xoohoox) -> int:
    page = client.batches.list(page=1, size=50)
    assert_type(page, BatchPage)
    return len(page.items)


def plan(client: Xoohoox, request: BatchCreate) -> str:
    created = client.batches.create(body=request)
    assert_type(created, Batch)
    return created.id


def plan_from_dict(client: Xoohoox) -> str:
    """The body as a dict: an enum by its value, a date as the string the JSON carries."""
    created = client.batches.create(
        body={"product_type": "cold_pressed", "quantity": 120.0, "start_date": "2026-01-05"}
    )
    assert_type(created, Batch)
    return created.id


async def batch_async(client: AsyncXoohoox, batch_id: str) -> Batch:
    batch = await client.batches.get(batch_id)
    assert_type(batch, Batch)
    return batch


def hint(error: XoohooxError) -> str:
    return error.get_troubleshooting_hint()
