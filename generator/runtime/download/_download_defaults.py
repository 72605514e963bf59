"""The defaults of `download()`, apart from its transfer code: a generated client's `download` signature names
them, and importing the client should not load the download machinery."""

from __future__ import annotations

from typing import Final

from ..core._defaults import DEFAULT_DOWNLOAD_CHUNK_BYTES
from ..policies._retry_policy import RetryPolicy

__all__ = ["DEFAULT_DOWNLOAD_CHUNK_BYTES", "DEFAULT_DOWNLOAD_RETRY"]

DEFAULT_DOWNLOAD_RETRY: Final = RetryPolicy(max_attempts=5, total_timeout_s=None, attempt_header=None)
"""Up to 5 attempts in a row without progress, with the usual backoff (see `_download.py`'s docstring)."""
