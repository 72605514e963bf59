"""The Prism wrapper: clear errors for a busy port, every process stopped, fuzz-proof hardening."""

from __future__ import annotations

import json
import socket
import subprocess
import textwrap
from pathlib import Path

import httpx
import pytest
import yaml

from mock.prism import LOOPBACK, MockError, PrismServer, free_port, port_is_busy, server_base_paths
from tests.conftest import MockFactory

pytestmark = pytest.mark.prism

SPEC = textwrap.dedent(
    """
    openapi: 3.1.0
    info: {title: Hardening probe, version: 1.0.0}
    paths:
      /upload:
        post:
          operationId: upload
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [archive]
                  properties: {archive: {type: string, format: binary}}
          responses:
            '201': {description: ok, content: {application/json: {schema: {type: object}, example: {}}}}
            '422': {description: bad, content: {application/json: {schema: {type: object}, example: {}}}}
      /things:
        post:
          operationId: things
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: object, additionalProperties: false, properties: {a: {type: string}}}
          responses:
            '201': {description: ok, content: {application/json: {schema: {type: object}, example: {}}}}
            '422': {description: bad, content: {application/json: {schema: {type: object}, example: {}}}}
    """
)


@pytest.fixture
def probe(tmp_path: Path):
    spec = tmp_path / "probe.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    server = PrismServer(spec, port=free_port(), log_path=tmp_path / "prism.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_multipart_part_without_content_type_gets_an_answer(probe: PrismServer) -> None:
    """A file part with no Content-Type (which kills a bare Prism 5) is answered and the mock lives on."""
    body = b'--XX\r\nContent-Disposition: form-data; name="archive"; filename="a.tgz"\r\n\r\nabc\r\n--XX--\r\n'
    response = httpx.post(
        f"{probe.url}/upload", content=body, headers={"Content-Type": "multipart/form-data; boundary=XX"}
    )
    assert response.status_code == 422
    assert probe.alive()


def test_non_latin1_text_in_a_violation_header_gets_an_answer(probe: PrismServer) -> None:
    """Prism copies request text into the sl-violations header; non-Latin-1 text is encoded, not fatal."""
    response = httpx.post(f"{probe.url}/things", json={"\u2603\U0001f600": 1})
    assert response.status_code == 422
    assert "%E2%98%83" in response.headers.get("sl-violations", "")
    assert probe.alive()


def test_unparseable_json_body_gets_an_answer_instead_of_a_hang(probe: PrismServer) -> None:
    """A body that is not JSON under a JSON content type is answered at once (a bare Prism 5 hangs)."""
    response = httpx.post(
        f"{probe.url}/things", content=b"xx{", headers={"Content-Type": "application/json"}, timeout=5
    )
    assert 400 <= response.status_code < 500
    assert probe.alive()


def test_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    """Starting on a port someone holds says which port and how to find the holder."""
    spec = tmp_path / "probe.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    with socket.socket() as holder:
        holder.bind((LOOPBACK, 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert port_is_busy(port)
        with pytest.raises(MockError, match=f"port {port} on 127.0.0.1 is busy"):
            PrismServer(spec, port=port).start()


def test_stop_ends_the_process_and_is_idempotent(probe: PrismServer) -> None:
    """stop() leaves no Prism behind (the port is free again) and may be called twice."""
    port = probe.port
    probe.stop()
    probe.stop()
    assert not probe.alive()
    assert not port_is_busy(port)
    leftover = subprocess.run(["pgrep", "-f", f"--port {port} "], capture_output=True, text=True, check=False)
    assert leftover.stdout.strip() == ""


def test_a_spec_prism_rejects_fails_fast_with_its_words(tmp_path: Path) -> None:
    """A spec Prism cannot load makes start() raise with Prism's own message, not hang."""
    spec = tmp_path / "broken.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t\npaths: [unclosed\n", encoding="utf-8")  # not YAML at all
    with pytest.raises(MockError, match="exited while starting"):
        PrismServer(spec, port=free_port(), log_path=tmp_path / "prism.log").start(ready_timeout_s=30)


def test_a_spec_without_operations_is_refused_in_one_line(tmp_path: Path) -> None:
    """A webhooks-only document has nothing to mock: one line saying so, not Prism's usage text."""
    spec = tmp_path / "webhooks.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks:\n  ping:\n    post:\n"
        "      responses: {'200': {description: ok}}\n",
        encoding="utf-8",
    )
    with pytest.raises(MockError, match=r"webhooks.yaml has no operations under `paths` .*nothing to mock$"):
        PrismServer(spec, port=free_port()).start(ready_timeout_s=30)


def test_server_base_paths_are_read_from_the_spec(tmp_path: Path) -> None:
    """Each distinct path of the servers' URLs is listed; root URLs, templated URLs and junk give nothing."""
    spec = tmp_path / "servers.yaml"
    spec.write_text(
        "servers:\n"
        "  - url: http://127.0.0.1:4020/api/v1/\n"
        "  - url: https://api.example/api/v1\n"
        "  - url: https://api.example\n"
        "  - url: https://{region}.example/v2\n"
        "  - 42\n",
        encoding="utf-8",
    )
    assert server_base_paths(spec) == ["/api/v1"]
    spec.write_text(": not yaml :\n  - [", encoding="utf-8")
    assert server_base_paths(spec) == []


def test_a_json_spec_is_read_without_the_pure_python_yaml_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What Prism's start reads from a JSON spec (base paths, error shape) is read with json: 48 s less on Stripe's."""

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the pure-Python YAML loader read a JSON spec")

    monkeypatch.setattr(yaml, "safe_load", refuse)
    monkeypatch.setattr(yaml, "load", refuse)
    spec = tmp_path / "servers.json"
    spec.write_text(json.dumps({"openapi": "3.0.3", "servers": [{"url": "https://api.example/v1"}]}), encoding="utf-8")
    assert server_base_paths(spec) == ["/v1"]


def test_the_servers_base_path_is_served_too(tmp_path: Path) -> None:
    """Prism ignores a server URL's path; the mock answers below it as at the root (query kept)."""
    spec = tmp_path / "based.yaml"
    spec.write_text(SPEC.replace("paths:", "servers:\n  - url: http://127.0.0.1/api/v1\npaths:", 1), encoding="utf-8")
    with PrismServer(spec, port=free_port(), log_path=tmp_path / "prism.log") as server:
        for path in ("/api/v1/things", "/things", "/api/v1/things?x=1"):
            response = httpx.post(server.url + path, json={"a": "b"}, timeout=10)
            assert response.status_code == 201, (path, response.text)
        assert httpx.post(server.url + "/api/v1x/things", json={"a": "b"}, timeout=10).status_code == 404


def test_the_proxy_logs_warnings_only_and_the_mock_logs_every_exchange(tmp_path: Path) -> None:
    """Prism in proxy mode (the living mock) skips its per-request info lines, a third of its CPU per request;
    its violations are warnings and errors, so they stay in the log. Mock mode keeps Prism's default."""
    spec = tmp_path / "spec.yaml"
    proxy = PrismServer(spec, port=4999, upstream="http://127.0.0.1:5000").command()
    assert proxy[proxy.index("--verboseLevel") + 1] == "warn" and proxy[-1] == "http://127.0.0.1:5000"
    assert "--verboseLevel" not in PrismServer(spec, port=4999).command()


def test_the_session_fixture_serves_only_the_specs_sdks_toml_names(prism: MockFactory, tmp_path: Path) -> None:
    """`prism(name, spec)` serves the entry's own spec or one of its other_versions; any other file is refused
    before a process starts (a typo must not quietly test a different document)."""
    stray = tmp_path / "cloudconnexa.yaml"
    stray.write_text(SPEC, encoding="utf-8")
    with pytest.raises(ValueError, match=r"not a spec of cloudconnexa in generator/sdks\.toml"):
        prism("cloudconnexa", stray)
