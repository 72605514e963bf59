"""The one module that reads the process environment.

Settings (`<PREFIX>_*`), the logging switch and the outbox's default path all take an `environ` mapping
for tests and callers; when they are given none they ask `environment()` here, so reading the process
environment happens in one place.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["environment"]


def environment() -> Mapping[str, str]:
    """The process environment, live: a variable set after import (``monkeypatch.setenv``) is seen."""
    return os.environ
