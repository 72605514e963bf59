"""The SDK's one "not given" sentinel, apart from the policies that use it, so a module that only needs the
sentinel (a generated client's signatures) loads no policy and no attrs."""

from __future__ import annotations

import enum
from typing import Final, Literal

__all__ = ["UNSET", "Unset"]


class Unset(enum.Enum):
    """Type of the `UNSET` sentinel: "not given", as opposed to an explicit None. The one sentinel of the SDK:
    the generated `types.py` re-exports it, so models, operations and the runtime agree on it."""

    UNSET = "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = Unset.UNSET
"""Not given: keep the client's setting (None, by contrast, switches a feature off)."""
