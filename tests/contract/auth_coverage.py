"""Did the contract run get past authentication? An operation that declares security and only ever
answered 401 or 403 was not tested: its bugs hide behind the refusal.

The run fails on such operations unless the caller says refusals are expected (`--allow-auth-refusals`),
and the message names CONTRACT_TOKEN, where the token comes from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from generator.spec_walk import operations

AUTH_REFUSALS = frozenset({401, 403})


def secured_operations(spec: Mapping[str, Any]) -> frozenset[str]:
    """Labels (`GET /items/{id}`) of operations that require credentials: their own or the document's `security`.

    An empty list, or a requirement `{}` among the alternatives, means the operation can be called without.
    """
    default = spec.get("security")
    labels = set()
    for found in operations(spec):
        requirements = found.operation.get("security", default)
        if isinstance(requirements, list) and requirements and all(requirements):
            labels.add(found.key)
    return frozenset(labels)


def refused_operations(secured: frozenset[str], statuses: Mapping[str, Counter[int]]) -> list[str]:
    """Secured operations that got responses, all of them 401 or 403 (operations never called are not judged)."""
    return sorted(label for label in secured if (codes := statuses.get(label)) and set(codes) <= AUTH_REFUSALS)


def refusal_message(refused: list[str], token_was_set: bool) -> str:
    """What went wrong and what to do: name CONTRACT_TOKEN and every operation affected."""
    cause = "was rejected" if token_was_set else "is not set"
    listing = "\n".join(f"  {label}" for label in refused)
    return (
        f"contract: FAILED: {len(refused)} operation(s) that declare security never got past 401/403, so "
        f"nothing behind their authentication was tested (CONTRACT_TOKEN {cause}):\n{listing}\n"
        "contract: set CONTRACT_TOKEN to a bearer token the server accepts, or pass --allow-auth-refusals "
        "(make contract ALLOW_AUTH_REFUSALS=1) if the server under test really refuses them"
    )
