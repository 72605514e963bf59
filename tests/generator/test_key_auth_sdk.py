"""apiKey (header, query, cookie) and HTTP basic schemes are settings of a generated SDK, sent per operation.

One SDK is generated from a spec with all four schemes and operations asking for each (and for none,
and for basic *or* a header key); every call goes to an httpx.MockTransport that records the request.
"""

from __future__ import annotations

import json

import pytest

from generator.build import build_into
from tests.generator.test_build import python_in, widget_entry, write_spec

OK = '{"200": {description: ok, content: {application/json: {schema: {type: object}}}}}'
SPEC = f"""
openapi: 3.0.3
info: {{title: Keys, version: 1.0.0}}
servers: [{{url: "https://api.example"}}]
security: [{{headerKey: []}}]
paths:
  /header: {{get: {{operationId: viaHeader, tags: [things], responses: {OK}}}}}
  /query: {{get: {{operationId: viaQuery, tags: [things], security: [{{queryKey: []}}], responses: {OK}}}}}
  /cookie: {{get: {{operationId: viaCookie, tags: [things], security: [{{cookieKey: []}}], responses: {OK}}}}}
  /basic: {{get: {{operationId: viaBasic, tags: [things], security: [{{basicAuth: []}}], responses: {OK}}}}}
  /either:
    get:
      operationId: basicOrHeader
      tags: [things]
      security: [{{basicAuth: []}}, {{headerKey: []}}]
      responses: {OK}
  /open: {{get: {{operationId: open, tags: [things], security: [], responses: {OK}}}}}
components:
  securitySchemes:
    headerKey: {{type: apiKey, in: header, name: X-API-Key}}
    queryKey: {{type: apiKey, in: query, name: api_key}}
    cookieKey: {{type: apiKey, in: cookie, name: session_key}}
    basicAuth: {{type: http, scheme: basic}}
"""

CALLS = """
import json, logging, io, os
import httpx
from widget_sdk import Widget, AsyncWidget

seen = []
def answer(request):
    seen.append({"path": request.url.path, "query": request.url.query.decode(),
                 "key": request.headers.get("X-API-Key"), "cookie": request.headers.get("Cookie"),
                 "authorization": request.headers.get("Authorization")})
    return httpx.Response(200, json={})

def calls(client):
    seen.clear()
    for name in ("via_header", "via_query", "via_cookie", "via_basic", "basic_or_header", "open_"):
        getattr(client.things, name)()
    return list(seen)

log = io.StringIO()
handler = logging.StreamHandler(log)
logging.getLogger("widget_sdk").addHandler(handler)
logging.getLogger("widget_sdk").setLevel(logging.DEBUG)
client = Widget("https://api.example", api_key="k-123", username="ann", password="pw-456",
                transport=httpx.MockTransport(answer))
both = calls(client)
settings = repr(client._connection.settings)
key_only = calls(Widget("https://api.example", api_key="k-123", transport=httpx.MockTransport(answer)))
os.environ["WIDGET_API_KEY"] = "env-key"
from_env = calls(Widget("https://api.example", transport=httpx.MockTransport(answer)))

import asyncio
async def main():
    seen.clear()
    async with AsyncWidget("https://api.example", username="ann", password="pw-456",
                           transport=httpx.MockTransport(answer)) as client:
        await client.things.via_basic()
        await client.things.via_query()
    return list(seen)
async_seen = asyncio.run(main())
print(json.dumps({"both": both, "key_only": key_only, "from_env": from_env, "async": async_seen,
                  "settings": settings, "log": log.getvalue()}))
"""


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("keys")
    build_into(widget_entry(write_spec(root, SPEC)), root / "out")
    result = python_in(root / "out", CALLS)
    assert result.returncode == 0, result.stderr
    outcome: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome


def test_each_operation_gets_the_credentials_its_security_names(seen: dict[str, object]) -> None:
    """Header key by default, query key, cookie key, basic, the first alternative that can be met, none."""
    basic = "Basic YW5uOnB3LTQ1Ng=="  # ann:pw-456
    assert seen["both"] == [
        {"path": "/header", "query": "", "key": "k-123", "cookie": None, "authorization": None},
        {"path": "/query", "query": "api_key=k-123", "key": None, "cookie": None, "authorization": None},
        {"path": "/cookie", "query": "", "key": None, "cookie": "session_key=k-123", "authorization": None},
        {"path": "/basic", "query": "", "key": None, "cookie": None, "authorization": basic},
        {"path": "/either", "query": "", "key": None, "cookie": None, "authorization": basic},
        {"path": "/open", "query": "", "key": None, "cookie": None, "authorization": None},
    ]


def test_without_basic_credentials_the_next_alternative_is_used(seen: dict[str, object]) -> None:
    """Only api_key given: basic-only operations go without, basic-or-key sends the key."""
    by_path = {call["path"]: call for call in seen["key_only"]}  # type: ignore[attr-defined]
    assert by_path["/either"]["key"] == "k-123" and by_path["/either"]["authorization"] is None
    assert by_path["/basic"]["authorization"] is None


def test_the_key_comes_from_the_environment_and_async_clients_send_the_same(seen: dict[str, object]) -> None:
    """<PREFIX>_API_KEY is the api_key setting; the async client applies the schemes too."""
    assert seen["from_env"][0]["key"] == "env-key"  # type: ignore[index]
    assert [(c["path"], c["authorization"], c["query"]) for c in seen["async"]] == [  # type: ignore[attr-defined]
        ("/basic", "Basic YW5uOnB3LTQ1Ng==", ""),
        ("/query", None, "api_key=env-key"),  # WIDGET_API_KEY is still set in that process
    ]


def test_secrets_never_show_in_repr_or_debug_logs(seen: dict[str, object]) -> None:
    """repr(settings) masks api_key and password; DEBUG logs mask the header, query and cookie values."""
    settings, log = str(seen["settings"]), str(seen["log"])
    assert "k-123" not in settings and "pw-456" not in settings and "username='ann'" in settings
    assert "/query" in log and "k-123" not in log and "pw-456" not in log and "YW5uOnB3LTQ1Ng" not in log
