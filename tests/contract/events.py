"""What a contract run did, read from schemathesis' NDJSON events as they are written.

`RunLog` takes one event at a time (live, while schemathesis runs, and again for nothing else), so the
same code prints progress operation by operation, counts cases and checks, and records each operation's
response status codes for the auth coverage rule.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import attrs


@attrs.define
class RunLog:
    """Cases, checks and status codes per operation label (`GET /items/{id}`), from ScenarioFinished events."""

    cases: Counter[str] = attrs.field(factory=Counter)
    checks: set[str] = attrs.field(factory=set)
    # Status codes of the requests made with the operation's own method (not the unsupported-method probes).
    statuses: dict[str, Counter[int]] = attrs.field(factory=dict)
    scenarios: int = 0

    def add(self, event: dict[str, Any]) -> str | None:
        """Record one event; the progress line to print for it, if any."""
        if "PhaseStarted" in event:
            name = (event["PhaseStarted"].get("phase") or {}).get("name", "?")
            return f"contract: phase {name}"
        finished = event.get("ScenarioFinished")
        if not isinstance(finished, dict):
            return None
        recorder = finished.get("recorder") or {}
        label = recorder.get("label")
        if not isinstance(label, str):
            return None
        recorded = recorder.get("cases") or {}
        if not recorded:
            return None
        self.scenarios += 1
        self.cases[label] += len(recorded)
        for check_list in (recorder.get("checks") or {}).values():
            self.checks.update(c["name"] for c in check_list or [] if isinstance(c, dict) and "name" in c)
        method = label.split(" ", 1)[0]
        codes = self.statuses.setdefault(label, Counter())
        for interaction in (recorder.get("interactions") or {}).values():
            request, response = interaction.get("request") or {}, interaction.get("response") or {}
            if request.get("method") == method and isinstance(response.get("status_code"), int):
                codes[response["status_code"]] += 1
        seen = ", ".join(f"{code}x{count}" for code, count in sorted(codes.items())) or "no responses"
        phase, status = finished.get("phase", "?"), finished.get("status", "?")
        return f"contract: [{phase}] {label}: {len(recorded)} cases, {status} (statuses so far: {seen})"


def read_events(path: Path, offset: int) -> tuple[list[dict[str, Any]], int]:
    """The complete NDJSON lines written after `offset`, and the offset after the last complete one."""
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            chunk = stream.read()
    except FileNotFoundError:
        return [], offset
    complete = chunk[: chunk.rfind(b"\n") + 1]
    return list(_parse(complete)), offset + len(complete)


def _parse(chunk: bytes) -> Iterator[dict[str, Any]]:
    for line in chunk.decode("utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            yield event


def echo(stream: TextIO | None, line: str) -> None:
    """Print a line now (a CI log shows how far a run got even if it is killed)."""
    if stream is not None:
        print(line, file=stream, flush=True)
