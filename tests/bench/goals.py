"""The goals `make bench` judges (issue "Fast by default"), each printed beside the figure of this run.

Every goal is a ratio taken within a round (or, for memory, a growth in one process), so load on a shared
machine moves both sides alike; each line says "met" or "NOT met" from this run alone. Nothing here is a
test: a slow run prints "NOT met", it never fails.
"""

from __future__ import annotations

import statistics
from typing import Any

from tests.bench.results import Client, best_of, fmt_ratio, ratios, spread, verdict

GOAL_SYNC_VS_HTTPX = 0.75  # our sync SDK's CPU per request over raw httpx's, at most
GOAL_SYNC_VS_OAG = 1.0  # ... over OpenAPI Generator's urllib3 client's, at most
GOAL_ASYNC_DEFAULT = 0.5  # async as installed (no extra): throughput over raw aiohttp's, at least
GOAL_ASYNC_FAST = 1.1  # the fastest transport the SDK offers, response validation on, at least
GOAL_LOG_OVERHEAD = 0.05  # INFO logging: CPU per request over logging off, at most (both servers)
GOAL_IMPORT = 1.3  # `import <sdk>` over `import httpx`, at most
GOAL_VALIDATION_SHARE = 0.10  # checking bodies against the spec: at most this share of a sync request's CPU
GOAL_MEMORY_GROWTH_KB = 1024  # RSS growth over the requests after warm-up ("no growth": allocator noise)
GOAL_DOWNLOAD_GROWTH_MIB = 50  # peak RSS growth of a streaming download, under


def quartiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 4:
        return min(values), max(values)
    low, _, high = statistics.quantiles(values, n=4)
    return low, high


def logging_overhead(result: dict[str, Any]) -> dict[str, Any]:
    """INFO over off per round (the two modes took turns within it): median, quartiles, min-max; the flush
    thread's CPU per request, part of INFO's."""
    out = {}
    for target in ("loopback", "delay_1ms"):
        info, off = result[target]["info"], result[target]["off"]
        per_round = [a / b - 1 for a, b in zip(info, off, strict=True)]
        out[target] = {
            "rounds": spread(per_round),
            "quartiles": quartiles(per_round),
            "overall": sum(info) / sum(off) - 1,
            "off_us": statistics.median(off) * 1e6,
            "info_us": statistics.median(info) * 1e6,
            "flush_us": statistics.mean(result[target]["flush"]) * 1e6,
        }
    return out


def sync_summary(by_key: dict[str, Client], instructions: dict[str, float | str]) -> list[str]:
    sdk, httpx, oag = by_key["sdk"], by_key["httpx"], by_key["oag"]
    lines = []
    if sdk.runs and httpx.runs:
        value = ratios(sdk, httpx)["cpu"]
        assert value is not None
        best = best_of(sdk, "cpu_s") / best_of(httpx, "cpu_s")
        lines.append(
            f"- Sync CPU per request, our SDK / raw httpx: {fmt_ratio(value)} over rounds, {best:.2f}x best run "
            f"against best run; goal ≤ {GOAL_SYNC_VS_HTTPX}: {verdict(value[0] <= GOAL_SYNC_VS_HTTPX)}"
        )
    if sdk.runs and oag.runs:
        value = ratios(sdk, oag)["cpu"]
        assert value is not None
        lines.append(
            f"- Sync CPU per request, our SDK / OpenAPI Generator (urllib3): {fmt_ratio(value)} over rounds; "
            f"goal ≤ {GOAL_SYNC_VS_OAG}: {verdict(value[0] <= GOAL_SYNC_VS_OAG)}"
        )
    else:
        why = oag.missing or oag.failure or "no runs"
        lines.append(f"- Sync CPU per request, our SDK / OpenAPI Generator: not measured ({why})")
    return lines + sync_instructions(instructions)


def sync_instructions(instructions: dict[str, float | str]) -> list[str]:
    """The sync goals in callgrind's instructions per request (load cannot move them): our SDK as installed
    (httptools' pool) over raw httpx and over OpenAPI Generator's urllib3 client, with raw urllib3 and our SDK
    on httpx's pool beside them for scale."""
    if not instructions:
        return []
    sdk = instructions.get("sdk")
    if not isinstance(sdk, float):
        return [f"- Sync instruction counts not measured: {sdk}"]
    counts = {key: instructions.get(key) for key in ("httpx", "urllib3", "oag", "sdk-httpx", "sdk-novalidate")}
    names = {
        "httpx": "raw httpx",
        "urllib3": "raw urllib3",
        "oag": "OpenAPI Generator (urllib3)",
        "sdk-httpx": 'our SDK on httpx\'s pool (transport="httpx")',
        "sdk-novalidate": "our SDK without validation",
    }
    shown = [f"our SDK as installed (httptools) {sdk / 1e6:.3f} M"]
    shown += [
        f"{names[key]} {count / 1e6:.3f} M" if isinstance(count, float) else f"{names[key]} {count}"
        for key, count in counts.items()
    ]
    lines = [f"- Sync, counted in instructions per request (callgrind, not disturbed by load): {'; '.join(shown)}"]
    for key, goal in (("httpx", GOAL_SYNC_VS_HTTPX), ("oag", GOAL_SYNC_VS_OAG)):
        count = counts[key]
        if isinstance(count, float):
            lines.append(
                f"- Same, our SDK / {names[key]}: {sdk / count:.3f}x; goal ≤ {goal}: {verdict(sdk / count <= goal)}"
            )
        else:
            lines.append(f"- Same, our SDK / {names[key]}: not measured ({count})")
    return lines


def async_instructions(instructions: dict[str, float | str]) -> list[str]:
    """Raw aiohttp's instructions per request over our async SDK's (as installed, and with the aiohttp
    transport): the throughput each would have where CPU is the limit, unmoved by load."""
    raw = instructions.get("aiohttp")
    if not isinstance(raw, float):
        return [f"- Async instruction counts not measured: {raw}"] if instructions else []
    shown = []
    for key, words in (("sdk-async", "as installed (httptools)"), ("sdk-async-aiohttp", 'transport="aiohttp"')):
        count = instructions.get(key)
        shown.append(
            f"{words} {count / 1e6:.3f} M ({raw / count:.2f}x)" if isinstance(count, float) else f"{words} {count}"
        )
    count = instructions.get("sdk-async")
    fast = f"{verdict(raw / count >= GOAL_ASYNC_FAST)}" if isinstance(count, float) else "not measured"
    return [
        f"- Same, counted in instructions (callgrind, 32 in flight; raw aiohttp's count over ours, as throughput "
        f"where CPU is the limit): raw aiohttp {raw / 1e6:.3f} M per request; our SDK {'; '.join(shown)}; "
        f"goal ≥ {GOAL_ASYNC_FAST}: {fast}"
    ]


def async_summary(by_key: dict[str, Client], instructions: dict[str, float | str]) -> list[str]:
    """As installed against raw aiohttp and against every generated peer's default, and the fastest."""
    sdk, aiohttp = by_key["sdk-async"], by_key["aiohttp"]
    if not sdk.runs or not aiohttp.runs:
        why = sdk.failure or aiohttp.failure or "no runs"
        return [f"- Async throughput: not measured ({why})", *async_instructions(instructions)]
    value = ratios(sdk, aiohttp)["throughput"]
    assert value is not None
    lines = [
        f"- Async as installed (no extra; default transport httptools), throughput / raw aiohttp at 32 in flight: "
        f"{fmt_ratio(value)} over rounds; goal ≥ {GOAL_ASYNC_DEFAULT}: {verdict(value[0] >= GOAL_ASYNC_DEFAULT)}"
    ]
    peers = [by_key[key] for key in ("oag-async", "opc-async", "httpx2-async", "httpx-async")]
    shown = []
    for peer in peers:
        peer_value = ratios(peer, aiohttp)["throughput"] if peer.runs else None
        shown.append((peer, peer_value))
    generated = [(peer, v) for peer, v in shown[:2] if v is not None]
    ahead = all(value[0] > v[0] for _, v in generated)
    names = "; ".join(f"{peer.label} {fmt_ratio(v)}" for peer, v in shown if v is not None)
    lines.append(
        f"- Async as installed against the generated peers' defaults and raw httpx/httpx2 (throughput / raw aiohttp): "
        f"{names or 'none measured'}; goal: ahead of every generated peer "
        f"({len(generated)} measured): {verdict(ahead and bool(generated))}"
    )
    lines.append(
        f"- Async, the fastest transport the SDK offers (httptools, installed by default; the fast extra adds "
        f"only aiohttp), response validation on: {fmt_ratio(value)} of raw aiohttp's throughput; goal ≥ "
        f"{GOAL_ASYNC_FAST}: {verdict(value[0] >= GOAL_ASYNC_FAST)}"
    )
    return lines + async_instructions(instructions)


def validation_summary(sdk: Client, unvalidated: Client, instructions: dict[str, float | str]) -> list[str]:
    """What checking bodies against the spec costs: the share of the sync SDK's CPU per request it takes,
    from the paired rounds (on / off within a round) and, unmoved by load, from callgrind's counts."""
    lines = []
    if sdk.runs and unvalidated.runs:
        value = ratios(sdk, unvalidated)["cpu"]
        assert value is not None
        share = 1 - 1 / value[0]
        lines.append(
            f"- Response validation, sync SDK, CPU per request with it on / off: {fmt_ratio(value)} over rounds, "
            f"{share:.1%} of a request's CPU; goal ≤ {GOAL_VALIDATION_SHARE:.0%}: "
            f"{verdict(share <= GOAL_VALIDATION_SHARE)}"
        )
    on, off = instructions.get("sdk"), instructions.get("sdk-novalidate")
    if isinstance(on, float) and isinstance(off, float):
        share = 1 - off / on
        lines.append(
            f"- Same, counted in instructions (callgrind): {on / 1e6:.3f} M on, {off / 1e6:.3f} M off per request: "
            f"{share:.1%} of a request's instructions; goal ≤ {GOAL_VALIDATION_SHARE:.0%}: "
            f"{verdict(share <= GOAL_VALIDATION_SHARE)}"
        )
    return lines


def logging_summary(log: dict[str, Any] | None, instructions: dict[str, float | str]) -> list[str]:
    if log is None:
        return ["- Logging at INFO: not measured (the logging run failed)"]
    lines = []
    for target, words in (("loopback", "loopback nginx"), ("delay_1ms", "server answering after 1 ms")):
        entry = log[target]
        median, low, high = entry["rounds"]
        q1, q3 = entry["quartiles"]
        lines.append(
            f"- Logging at INFO vs off, sync SDK, {words}: median over interleaved rounds {median:+.1%} CPU per "
            f"request (quartiles {q1:+.1%} to {q3:+.1%}, min-max {low:+.1%} to {high:+.1%}; whole run "
            f"{entry['overall']:+.1%}; {entry['off_us']:.0f} -> {entry['info_us']:.0f} µs, of which the flush thread "
            f"{entry['flush_us']:.2f} µs); goal ≤ "
            f"+{GOAL_LOG_OVERHEAD:.0%}: {verdict(median <= GOAL_LOG_OVERHEAD)}"
        )
    off, info = instructions.get("sdk-log-off"), instructions.get("sdk-log-info")
    if isinstance(off, float) and isinstance(info, float):
        lines.append(
            f"- Same, counted in instructions (callgrind, loopback nginx): {off / 1e6:.3f} M off, "
            f"{info / 1e6:.3f} M at INFO per request: {info / off - 1:+.1%} (writes to stderr are system time, "
            f"not counted)"
        )
    return lines


def import_summary(imports: dict[str, Any] | None) -> list[str]:
    if imports is None:
        return ["- import <sdk> / import httpx: not measured"]
    lines = []
    for module, entry in imports["ratios"].items():
        median, low, high = entry
        lines.append(
            f"- `import {module}` / `import httpx` (fresh processes, {imports['rounds']} paired rounds, "
            f"{imports['httpx_ms']:.0f} ms for httpx): {median:.2f}x ({low:.2f}-{high:.2f}); goal ≤ {GOAL_IMPORT}: "
            f"{verdict(median <= GOAL_IMPORT)}"
        )
    return lines


def memory_summary(memory: dict[str, Any] | None, download: dict[str, Any] | None) -> list[str]:
    lines = []
    if memory is None:
        lines.append("- Memory over many requests: not measured (the memory run failed)")
    else:
        growth = memory["rss_end_kb"] - memory["rss_after_warmup_kb"]
        second_half = memory["rss_end_kb"] - memory["rss_half_kb"]
        lines.append(
            f"- Memory, sync SDK, {memory['requests']:,} sequential requests after {memory['warmup']:,} warm-up: "
            f"peak RSS {memory['max_rss_kb'] / 1024:.1f} MiB; RSS {memory['rss_after_warmup_kb'] / 1024:.1f} MiB "
            f"after warm-up, {memory['rss_end_kb'] / 1024:.1f} MiB at the end ({growth:+d} KiB in all, "
            f"{second_half:+d} KiB over the second half); goal no growth (≤ {GOAL_MEMORY_GROWTH_KB} KiB): "
            f"{verdict(growth <= GOAL_MEMORY_GROWTH_KB)}"
        )
    if download is None:
        lines.append("- Memory of a streaming download: not measured (the download run failed)")
    else:
        size_mib = download["size"] / 2**20
        growth_mib = (download["after"] - download["before"]) / 2**20
        lines.append(
            f"- Memory, streaming download of {size_mib:.0f} MiB (runtime `download()`, checksum on the fly): "
            f"peak RSS {download['before'] / 2**20:.1f} MiB before, {download['after'] / 2**20:.1f} MiB after "
            f"({growth_mib:+.1f} MiB), {size_mib / download['seconds']:.0f} MiB/s; goal < "
            f"{GOAL_DOWNLOAD_GROWTH_MIB} MiB growth: {verdict(growth_mib < GOAL_DOWNLOAD_GROWTH_MIB)}"
        )
    return lines


def summary(
    all_clients: list[Client],
    log: dict[str, Any] | None,
    memory: dict[str, Any] | None,
    download: dict[str, Any] | None,
    imports: dict[str, Any] | None,
    instructions: dict[str, float | str],
) -> list[str]:
    """Every goal of the run, in the order of the issue's table."""
    by_key = {c.key: c for c in all_clients}
    return (
        sync_summary(by_key, instructions)
        + validation_summary(by_key["sdk"], by_key["sdk-novalidate"], instructions)
        + async_summary(by_key, instructions)
        + logging_summary(log, instructions)
        + import_summary(imports)
        + memory_summary(memory, download)
    )
