"""The bench's results: one client script and its runs, the ratios taken within a round, and the table.

Every ratio pairs two runs of the same round (`round` in a run), so a change in the machine's speed
between rounds hits both sides alike; a ratio is reported as its median over rounds and its min-max.
"""

from __future__ import annotations

import statistics
import sys
from typing import Any


class Client:
    """One client script and how to run it; `missing` says why it cannot run here (shown in the table)."""

    def __init__(
        self,
        key: str,
        label: str,
        module: str,
        *args: str,
        group: str,
        missing: str | None = None,
        paired: bool = False,
    ):
        self.key, self.label, self.module, self.args, self.group = key, label, module, args, group
        self.paired = paired  # runs right beside the baseline and the SDK in every round (a variant of the SDK)
        self.missing = missing
        self.failure: str | None = None
        self.runs: list[dict[str, Any]] = []  # one per round, index = round

    def command(self, base_url: str, requests: int, concurrency: int) -> list[str]:
        extra = ["--concurrency", str(concurrency)] if self.group == "async" else []
        return [
            sys.executable,
            "-m",
            f"tests.bench.clients.{self.module}",
            "--base-url",
            base_url,
            "--requests",
            str(requests),
            *extra,
            *self.args,
        ]


def per_request_us(run: dict[str, Any], key: str) -> float:
    return float(run[key]) / run["requests"] * 1e6


def spread(values: list[float]) -> tuple[float, float, float] | None:
    return (statistics.median(values), min(values), max(values)) if values else None


def ratios(client: Client, baseline: Client) -> dict[str, tuple[float, float, float] | None]:
    """Per round: CPU per request over the baseline's, and throughput (baseline wall / client wall)."""
    base = {run["round"]: run for run in baseline.runs}
    cpu, throughput = [], []
    for run in client.runs:
        other = base.get(run["round"])
        if other is not None:
            cpu.append(per_request_us(run, "cpu_s") / per_request_us(other, "cpu_s"))
            throughput.append(per_request_us(other, "wall_s") / per_request_us(run, "wall_s"))
    return {"cpu": spread(cpu), "throughput": spread(throughput)}


def best_of(client: Client, key: str) -> float:
    """The least disturbed run's cost per request (on a shared machine, noise only ever adds)."""
    return min(per_request_us(run, key) for run in client.runs)


def fmt_ratio(value: tuple[float, float, float] | None) -> str:
    return "-" if value is None else f"{value[0]:.2f}x ({value[1]:.2f}-{value[2]:.2f})"


def table(all_clients: list[Client], concurrency: int) -> list[str]:
    lines = [
        "| client | CPU µs/req | wall µs/req | CPU vs baseline | throughput vs baseline |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for group, title in (
        ("sync", "sync, sequential; baseline raw httpx"),
        ("async", f"async, {concurrency} in flight; baseline raw aiohttp"),
    ):
        members = [c for c in all_clients if c.group == group]
        baseline = members[0]
        lines.append(f"| **{title}** | | | | |")
        for client in members:
            if client.missing or client.failure or not client.runs:
                lines.append(f"| {client.label} | {client.missing or client.failure or 'no runs'} | | | |")
                continue
            cpu = statistics.median(per_request_us(r, "cpu_s") for r in client.runs)
            wall = statistics.median(per_request_us(r, "wall_s") for r in client.runs)
            rel = ratios(client, baseline) if client is not baseline else {"cpu": None, "throughput": None}
            lines.append(
                f"| {client.label} | {cpu:.0f} | {wall:.0f} | {fmt_ratio(rel['cpu'])} | "
                f"{fmt_ratio(rel['throughput'])} |"
            )
    return lines


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"
