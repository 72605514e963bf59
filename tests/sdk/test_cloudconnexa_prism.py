"""The CloudConnexa SDK against Prism, for API v1.1.0 (openapi/cloudconnexa.yaml) and v1.0 (-v1.0.yaml).

A session fixture generates an SDK from each document into a temporary folder (client `CloudConnexa`,
prefix `CLOUDCONNEXA`, no generator warnings allowed) and serves each document with Prism. Then:

- every operation of both documents, through the generated resource clients, sync and async, returns the
  spec's example as its typed model (calls are built from the spec: see `cloudconnexa_specs`);
- OAuth2 client credentials: the client fetches one token from the spec's `tokenUrl` and sends it; 100
  concurrent async calls cause exactly one token request;
- pagination: the runtime's `iterate_items` walks `networks.list` over three pages. Prism answers a list
  with one static example, so the fetcher asks for the named examples `page0`, `page1`, `page2` with
  ``Prefer: example=page<N>`` (the examples are in the spec; no MockTransport is involved);
- 429 then success: the first attempt asks Prism for 429 (Retry-After 2 s), the runtime's retry waits
  2 s on a FakeClock and the second attempt succeeds; the retry and breaker settings come from the
  spec's proposed ``info.x-sdk-defaults``;
- the circuit breaker opens after `failure_threshold` 503s (``Prefer: code=503``), fails fast without
  I/O, and closes again after `recovery_timeout_s` on the FakeClock;
- v1.0 compatibility: the v1.0 server lacks the single DNS record / user group lookups (Prism answers
  405) and the runtime's `find_item` serves them from the list; legacy IP-service fields are stripped so
  a v1.0 answer parses into the v1.1.0 model exactly like the v1.1.0 example;
- the two documents differ by exactly the documented deltas;
- schemathesis over both documents (mock mode, 8 examples) exits 0.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs

import attrs
import pytest

from generator.registry import load_registry
from mock.prism import PrismServer
from tests.conftest import MockFactory
from tests.contract.run import ContractRun, run
from tests.sdk.cloudconnexa_specs import (
    V1_0,
    V1_1,
    VERSIONS,
    Operation,
    Version,
    call,
    generate,
    operations,
    plain,
    sdk_defaults,
    without_version_deltas,
)
from tests.sdk.cloudconnexa_wire import TOKEN_PATH, AsyncWire, Wire

pytestmark = pytest.mark.prism

CLIENT_ID = "acme.api.7f3c2a"
CLIENT_SECRET = "s3cr3t-example-value"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcGktY2xpZW50In0.c2lnbmF0dXJl"
NETWORK_ID = "3f6c8a2e-1b4d-4c7a-9e2f-5a8b7c6d1e01"


@attrs.frozen
class Target:
    """One API version under test: its generated SDK and its running mock."""

    version: Version
    sdk: ModuleType
    mock: PrismServer

    @property
    def runtime(self) -> Any:
        return self.sdk._runtime

    def runtime_module(self, name: str) -> Any:
        """A runtime module the package does not re-export yet (`_pagination`, `_ratelimit`, `_versions`)."""
        return importlib.import_module(f"{self.version.package}._runtime.{name}")

    def client(self, url: str | None = None, **options: Any) -> Any:
        options.setdefault("client_id", CLIENT_ID)
        options.setdefault("client_secret", CLIENT_SECRET)
        return self.sdk.CloudConnexa(url or self.mock.url, **options)

    def async_client(self, **options: Any) -> Any:
        options.setdefault("client_id", CLIENT_ID)
        options.setdefault("client_secret", CLIENT_SECRET)
        return self.sdk.AsyncCloudConnexa(self.mock.url, **options)


@pytest.fixture(scope="session")
def targets(prism: MockFactory, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Target]:
    """Both SDKs generated from their documents, and both documents served by the shared Prism fixture.

    The mocks start in threads while the SDKs are generated, which halves the fixture's time.
    """
    out = tmp_path_factory.mktemp("cloudconnexa-sdks")
    with ThreadPoolExecutor(len(VERSIONS)) as pool:
        mocks = {version.name: pool.submit(prism, "cloudconnexa", version.spec) for version in VERSIONS}
        sdks = {version.name: generate(version, out) for version in VERSIONS}
        return {version.name: Target(version, sdks[version.name], mocks[version.name].result()) for version in VERSIONS}


@pytest.fixture
def v11(targets: dict[str, Target]) -> Iterator[Target]:
    yield targets["1.1.0"]
    assert targets["1.1.0"].mock.alive(), targets["1.1.0"].mock.last_log_lines()


@pytest.fixture
def v10(targets: dict[str, Target]) -> Iterator[Target]:
    yield targets["1.0"]
    assert targets["1.0"].mock.alive(), targets["1.0"].mock.last_log_lines()


CASES = [(version, operation) for version in VERSIONS for operation in operations(version)]


def case_id(value: object) -> str:
    return value.name if isinstance(value, Version) else value.operation_id if isinstance(value, Operation) else ""


# --- every operation, both versions ---------------------------------------------------------------------------


def test_both_documents_have_the_five_method_shape() -> None:
    """Every resource but the token and regions offers list/create/update/delete (+ get where the API has it)."""
    for version in VERSIONS:
        methods: dict[str, set[str]] = {}
        for operation in operations(version):
            methods.setdefault(operation.tag, set()).add(operation.sdk_method)
        assert methods.pop("oauth") == {"request_token"}
        assert methods.pop("vpn_regions") == {"list"}
        full = {"list", "get", "create", "update", "delete"}
        lacking_get = {"dns_records", "user_groups"} if version is V1_0 else set()
        assert methods == {tag: full - {"get"} if tag in lacking_get else full for tag in methods}
        assert len(methods) == 7


@pytest.fixture(scope="module")
def shared_clients(targets: dict[str, Target]) -> Iterator[dict[str, Any]]:
    """One sync client per version for the operation table (a client costs two pools and a token)."""
    clients = {name: target.client() for name, target in targets.items()}
    yield clients
    for client in clients.values():
        client.close()


@pytest.mark.parametrize(("version", "operation"), CASES, ids=case_id)
def test_operation_returns_the_example_as_its_model(
    version: Version, operation: Operation, shared_clients: dict[str, Any], targets: dict[str, Target]
) -> None:
    """Through the sync resource client, each operation answers the spec's example, typed."""
    result = call(shared_clients[version.name], operation)
    assert plain(result) == operation.success[1]
    assert targets[version.name].mock.alive()


@pytest.mark.parametrize("version", VERSIONS, ids=case_id)
async def test_async_operations_return_the_examples_as_models(version: Version, targets: dict[str, Target]) -> None:
    """Through the async resource client, every operation (all at once) answers the same typed examples."""
    cases = operations(version)
    async with targets[version.name].async_client() as client:
        results = await asyncio.gather(*(call(client, operation) for operation in cases))
    for operation, result in zip(cases, results, strict=True):
        assert plain(result) == operation.success[1], operation.operation_id


def test_documented_errors_raise_typed_errors(v11: Target) -> None:
    """Each documented error status of a read and a write raises its typed error, once, with the problem body."""
    errors = v11.sdk.errors
    by_status = {400: errors.BadRequestError, 401: errors.AuthenticationError, 403: errors.PermissionDeniedError}
    by_status |= {404: errors.NotFoundError, 409: errors.ConflictError, 429: errors.RateLimitError}
    by_status |= {500: errors.ServerError, 503: errors.ServiceUnavailableError}
    picked = [op for op in operations(V1_1) if op.operation_id in ("getNetwork", "updateNetwork")]
    with v11.client(retry=None) as client:
        for operation in picked:
            for status in operation.errors():
                options = v11.runtime.RequestOptions(headers={"Prefer": f"code={status}"})
                with pytest.raises(by_status[status]) as caught:
                    call(client, operation, request_options=options)
                assert caught.value.status_code == status
                assert caught.value.body["statusError"]
                assert caught.value.request_id == "f1c3a5e7-9b2d-4f6a-8c0e-2b4d6f8a0c1e"


# --- OAuth2 client credentials --------------------------------------------------------------------------------


def test_client_credentials_token_is_fetched_once_and_sent(v11: Target) -> None:
    """The first call fetches a token from the spec's relative tokenUrl; three calls share it as a bearer."""
    wire = Wire()
    with v11.client(transport=wire) as client:
        for _ in range(3):
            client.networks.get(NETWORK_ID)
    assert wire.paths[0] == TOKEN_PATH
    assert wire.token_requests == 1
    assert wire.authorization == [f"Bearer {TOKEN}"] * 3
    form = parse_qs(wire.token_forms[0].decode())
    assert form == {"grant_type": ["client_credentials"], "client_id": [CLIENT_ID], "client_secret": [CLIENT_SECRET]}


async def test_hundred_concurrent_calls_share_one_token_request(v11: Target) -> None:
    """100 gathered async calls on a fresh client cause exactly one token request, and all carry its token."""
    wire = AsyncWire()
    async with v11.async_client(transport=wire) as client:
        results = await asyncio.gather(*(client.networks.get(NETWORK_ID) for _ in range(100)))
    assert {network.name for network in results} == {"headquarters"}
    assert wire.token_requests == 1
    assert wire.api_requests == 100
    assert set(wire.authorization) == {f"Bearer {TOKEN}"}


def test_credentials_come_from_the_environment(v11: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    """CLOUDCONNEXA_BASE_URL / _CLIENT_ID / _CLIENT_SECRET configure a client built without arguments."""
    monkeypatch.setenv("CLOUDCONNEXA_BASE_URL", v11.mock.url)
    monkeypatch.setenv("CLOUDCONNEXA_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("CLOUDCONNEXA_CLIENT_SECRET", CLIENT_SECRET)
    wire = Wire()
    with v11.sdk.CloudConnexa(transport=wire) as client:
        assert [region.id for region in client.vpn_regions.list()] == ["us-east-1", "eu-central-1"]
    assert wire.token_requests == 1


# --- pagination -----------------------------------------------------------------------------------------------


def generated_names(target: Target, pages: str) -> dict[str, str]:
    """The Python names the generator wrote beside a list's pagination (`_PAGES_<OPERATION>` in `_resources.py`)."""
    generated = importlib.import_module(f"{target.version.package}._resources")
    return dict(getattr(generated, pages).names.pairs)


def network_pagination(target: Target) -> Any:
    [list_networks] = [op for op in operations(target.version) if op.operation_id == "listNetworks"]
    return target.runtime_module("shapes._pagination").Pagination.from_extension(
        list_networks.spec["x-sdk-pagination"], names=generated_names(target, "_PAGES_LIST_NETWORKS")
    )


def prefer_page(target: Target, args: dict[str, Any]) -> Any:
    """Per-call options asking Prism for the spec's named example of this page."""
    return target.runtime.RequestOptions(headers={"Prefer": f"example=page{args['page']}"})


@pytest.mark.parametrize("version", VERSIONS, ids=case_id)
def test_iterate_items_walks_every_page_of_networks(version: Version, targets: dict[str, Target]) -> None:
    """iterate_items over networks.list fetches pages 0, 1, 2 (size 2) and yields the five networks in order."""
    target = targets[version.name]
    wire = Wire()
    pages = target.runtime_module("shapes._pagination")
    with target.client(transport=wire) as client:

        def fetch(args: dict[str, Any]) -> Any:
            return client.networks.list(**args, request_options=prefer_page(target, args))

        names = [n.name for n in pages.iterate_items(fetch, network_pagination(target), page_size=2)]
        assert names == ["headquarters", "lab", "aws-eu", "gcp-us", "branch-berlin"]
        assert wire.api_requests == 3
        first_three = [n.name for n in pages.iterate_items(fetch, network_pagination(target), max_items=3)]
    assert first_three == ["headquarters", "lab", "aws-eu"]
    assert wire.api_requests == 5  # max_items=3 needed pages 0 and 1 only


async def test_async_iteration_walks_the_same_pages(v11: Target) -> None:
    """aiterate_pages over the async networks.list yields three typed pages, the last one short."""
    pages = v11.runtime_module("shapes._pagination")
    async with v11.async_client() as client:

        async def fetch(args: dict[str, Any]) -> Any:
            return await client.networks.list(**args, request_options=prefer_page(v11, args))

        walked = [page async for page in pages.aiterate_pages(fetch, network_pagination(v11), page_size=2)]
    assert [(page.page, len(page.content)) for page in walked] == [(0, 2), (1, 2), (2, 1)]
    assert walked[0].total_pages == 3


# --- retries, rate limit and circuit breaker ------------------------------------------------------------------


def test_429_waits_retry_after_then_succeeds(v11: Target) -> None:
    """With the spec's retry defaults, a 429 (Retry-After: 2) is waited out on the FakeClock and retried once."""
    clock = v11.runtime.FakeClock()
    wire = Wire()
    wire.ask_first(429, 1)
    defaults = sdk_defaults(V1_1.document(), v11.runtime)
    with v11.client(transport=wire, clock=clock, retry=defaults["retry"]) as client:
        network = client.networks.get(NETWORK_ID)
    assert network.name == "headquarters"
    assert wire.api_requests == 2
    assert clock.sleeps == [2.0]


def test_sdk_defaults_match_the_brief(v11: Target) -> None:
    """info.x-sdk-defaults reads as 5 retries on 408/429/500/502/503/504, 0.5 s doubling to 120 s, jitter; 10/300 s."""
    defaults = sdk_defaults(V1_1.document(), v11.runtime)
    policy, breaker = defaults["retry"], defaults["circuit"]
    assert policy.max_attempts == 6
    assert policy.retry_statuses == frozenset({408, 429, 500, 502, 503, 504})
    assert (policy.initial_delay_s, policy.backoff_factor, policy.max_delay_s) == (0.5, 2.0, 120.0)
    assert policy.max_jitter_s is not None
    assert (breaker.failure_threshold, breaker.recovery_timeout_s) == (10, 300.0)


def test_circuit_opens_after_repeated_503s_and_recovers(v11: Target) -> None:
    """10 consecutive 503s open the breaker; calls then fail fast with no I/O; after 300 s a probe closes it."""
    clock = v11.runtime.FakeClock()
    wire = Wire()
    changes: list[tuple[str, str]] = []
    breaker = sdk_defaults(V1_1.document(), v11.runtime)["circuit"]
    with v11.client(transport=wire, clock=clock, retry=None, circuit=breaker) as client:
        client.on_circuit_change(lambda event: changes.append((event.old.value, event.new.value)))
        client.networks.get(NETWORK_ID)  # the token is fetched before the outage
        wire.ask_first(503, breaker.failure_threshold)
        for _ in range(breaker.failure_threshold):
            with pytest.raises(v11.sdk.errors.ServerError):
                client.networks.get(NETWORK_ID)
        sent = wire.api_requests
        with pytest.raises(v11.sdk.errors.CircuitOpenError):
            client.networks.get(NETWORK_ID)
        assert wire.api_requests == sent  # failed fast
        clock.advance(breaker.recovery_timeout_s)
        assert client.networks.get(NETWORK_ID).name == "headquarters"
    assert changes == [("closed", "open"), ("open", "half_open"), ("half_open", "closed")]


def test_rate_limit_transport_paces_the_generated_client(v11: Target) -> None:
    """The opt-in RateLimitTransport as the client's transport: burst 2 at 1/s paces 4 calls (+ the token call)."""
    clock = v11.runtime.FakeClock()
    limits = v11.runtime_module("pipeline._ratelimit")
    wire = Wire()
    transport = limits.RateLimitTransport(limits.RateLimit(rate_per_s=1, burst=2), inner=wire, clock=clock)
    with v11.client(transport=transport, clock=clock) as client:
        for _ in range(4):
            client.vpn_regions.list()
    assert wire.token_requests == 1
    assert clock.sleeps == [1.0, 1.0, 1.0]


# --- v1.0 compatibility (the runtime half of api_version) ------------------------------------------------------


def test_v1_0_server_lacks_single_lookups_and_the_list_serves_them(v10: Target, v11: Target) -> None:
    """A v1.0 server answers GET /dns-records/{id} with 405; find_item over the list finds the record instead.

    The v1.1.0 client's `dns_records.get` is what users call; on a v1.0 server (named by api_version, or found
    out from that 405) `x-sdk-fallback` makes it `find_item(dns_records.list, match="id")`, which is what
    this test also does by hand.
    """
    record_id = "8f6e4d2c-0b9a-4877-a655-4433221100a2"
    versions = v11.runtime_module("shapes._versions")
    [get_dns] = [op for op in operations(V1_1) if op.operation_id == "getDnsRecord"]
    plan = versions.VersionedOperation(
        operation_id="getDnsRecord",
        since=get_dns.spec["x-sdk-since"],
        fallback=versions.Fallback.from_extension(get_dns.spec["x-sdk-fallback"]),
    )
    assert plan.plan("1.0") == "fallback"
    [list_dns] = [op for op in operations(V1_0) if op.operation_id == plan.fallback.via]
    pagination = v10.runtime_module("shapes._pagination").Pagination.from_extension(
        list_dns.spec["x-sdk-pagination"], names=generated_names(v10, "_PAGES_LIST_DNS_RECORDS")
    )
    with v11.client(v10.mock.url, retry=None) as client:
        answers: list[int] = []
        client.after_response(lambda event: answers.append(event.response.status_code))
        assert client.dns_records.get(record_id).domain == "git.example.com"  # the 405, then the list
        assert answers[0] == 405 and set(answers[1:]) == {200}
        record = versions.find_item(
            lambda args: client.dns_records.list(**args),
            pagination,
            match=plan.fallback.match,
            value=record_id,
            url=f"/api/v1/dns-records/{record_id}",
            via=plan.fallback.via,
        )
        assert record.domain == "git.example.com"
        with pytest.raises(v11.sdk.errors.NotFoundError):
            versions.find_item(
                lambda args: client.dns_records.list(**args),
                pagination,
                match="id",
                value="00000000-0000-4000-8000-000000000000",
                url="/api/v1/dns-records/00000000-0000-4000-8000-000000000000",
                via=plan.fallback.via,
            )


def test_v1_0_ip_services_parse_like_v1_1_once_legacy_fields_are_stripped(v10: Target, v11: Target) -> None:
    """A v1.0 IP-service page carries `type` and `routes`; stripped per x-sdk-legacy-fields it parses into the
    v1.1.0 model exactly like the v1.1.0 example."""
    schema = V1_1.document()["components"]["schemas"]["IpService"]
    fields = v11.runtime_module("shapes._versions").legacy_fields_for(schema["x-sdk-legacy-fields"], "1.0")
    with v10.client() as old:
        raw = old.with_raw_response.ip_services.list()
    items = json.loads(raw.content)["content"]
    assert {"type", "routes"} <= set(items[0])
    adapted = v11.runtime_module("shapes._versions").strip_legacy_fields(items, fields)
    models = [v11.sdk.models.IpService.from_dict(item) for item in adapted]
    [list_ips] = [op for op in operations(V1_1) if op.operation_id == "listIpServices"]
    assert [m.to_dict() for m in models] == list_ips.success[1]["content"]


def test_documents_differ_by_exactly_the_documented_deltas() -> None:
    """v1.0 equals v1.1.0 once the two new lookups and the IP service's routing are taken out of both."""
    new, old = V1_1.document(), V1_0.document()
    assert without_version_deltas(new) == without_version_deltas(old)
    assert ("get" in new["paths"]["/api/v1/dns-records/{id}"], "get" in old["paths"]["/api/v1/dns-records/{id}"]) == (
        True,
        False,
    )
    assert "routes" in old["components"]["schemas"]["IpService"]["properties"]
    assert "routes" not in new["components"]["schemas"]["IpService"]["properties"]


# --- the example -----------------------------------------------------------------------------------------------

EXAMPLE = load_registry()["cloudconnexa"].examples / "list_everything.py"
ALIAS = """
import importlib, runpy, sys
for name in ("", ".types", "._runtime"):
    sys.modules["cloudconnexa_sdk" + name] = importlib.import_module(sys.argv[1] + name)
runpy.run_path(sys.argv[2], run_name="__main__")
"""


def test_list_everything_example_runs_against_the_mock(v11: Target) -> None:
    """openapi/examples/cloudconnexa/list_everything.py lists every resource from the mock and exits 0.

    It imports `cloudconnexa_sdk` (the registered package); here that name is aliased to the SDK this
    session generated from the same document.
    """
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(v11.sdk.__file__).parents[1]),
        "CLOUDCONNEXA_BASE_URL": v11.mock.url,
        "CLOUDCONNEXA_CLIENT_ID": CLIENT_ID,
        "CLOUDCONNEXA_CLIENT_SECRET": CLIENT_SECRET,
    }
    command = [sys.executable, "-c", ALIAS, v11.version.package, str(EXAMPLE)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    for expected in ("branch-berlin", "hq-connector-1", "10.30.0.0/24", "bob", "Contractors", "Frankfurt"):
        assert expected in result.stdout
    assert "git.example.com" in result.stdout and "ssh-jump" in result.stdout
    assert "5 networks in total" in result.stdout


# --- schemathesis ---------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PathsRun(ContractRun):
    """A contract run limited to the paths matching `path_regex`."""

    path_regex: str

    def command(self) -> list[str]:
        return [*super().command(), "--include-path-regex", self.path_regex]


V1_0_DELTA_PATHS = r"^/api/v1/(hosts/ip-services|dns-records|user-groups)"
"""Where v1.0 differs from v1.1.0; everything else is proven identical by the documents' diff test."""


def test_schemathesis_finds_nothing_in_either_document(targets: dict[str, Target]) -> None:
    """Schemathesis (mock mode, 8 examples) finds nothing: all of v1.1.0, and v1.0 where it differs, concurrently.

    The rest of v1.0 is operation for operation the same document (see the diff test), so it is not
    fuzzed twice.
    """
    new, old = targets["1.1.0"], targets["1.0"]
    runs = {
        "1.1.0": ContractRun(spec=new.version.spec, url=new.mock.url, mock=True, max_examples=8, workers=1),
        "1.0": PathsRun(
            spec=old.version.spec, url=old.mock.url, mock=True, max_examples=8, workers=1, path_regex=V1_0_DELTA_PATHS
        ),
    }
    with ThreadPoolExecutor(len(runs)) as pool:
        results = dict(zip(runs, pool.map(run, runs.values()), strict=True))
    for name, result in results.items():
        assert result.exit_code == 0, f"API {name}:\n{result.output[-6000:]}"
    assert len(results["1.1.0"].cases_per_operation) == len(operations(V1_1))
    delta = [op for op in operations(V1_0) if re.match(V1_0_DELTA_PATHS, op.path)]
    assert len(results["1.0"].cases_per_operation) == len(delta) == 13
    assert new.mock.alive() and old.mock.alive()
