"""A request Prism cannot handle gets a 4xx in the API's error shape, and the mock lives on.

Prism's body validator decodes form and multipart field names with decodeURIComponent outside its own
try: `name="a%"` threw `URIError: URI malformed` and killed the process (our MyRVM upload and the
CloudConnexa token form). Every spec's multipart and form operations are sent such a name; a tiny
server that fails in the same ways checks the generic guard for anything else thrown inside a request.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from generator.registry import load_registry
from generator.spec_walk import follow_ref, load, operations
from mock.error_shape import error_shape
from mock.prism import HARDENING, LOOPBACK, free_port
from tests.conftest import MockFactory

pytestmark = pytest.mark.prism

HERE = Path(__file__).resolve().parent
FAILING_SERVER = HERE / "failing_server.cjs"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
BROKEN_NAME = "a%"


def _form_operations() -> list[tuple[str, Path, str, str, str]]:
    """(SDK name, spec, method, path with its parameters filled from their examples, media type) of every
    multipart or form request body in the registry's specs, older versions included."""
    specs = [(name, entry.spec) for name, entry in load_registry().items()]
    specs += [(name, spec) for name, entry in load_registry().items() for spec, _ in entry.other_versions]
    found = []
    for name, spec in specs:
        document = load(spec)
        for operation in operations(document):
            if "requestBody" not in operation.operation:
                continue
            content = follow_ref(document, operation.operation["requestBody"]).get("content", {})
            for media in (media for media in content if media in FORM_TYPES):
                declared = operation.item.get("parameters", []) + operation.operation.get("parameters", [])
                parameters = [follow_ref(document, parameter) for parameter in declared]
                filled = operation.path
                for parameter in parameters:
                    if parameter.get("in") == "path":
                        filled = filled.replace(f"{{{parameter['name']}}}", str(parameter.get("example", "x")))
                found.append((name, spec, operation.method.upper(), filled, media))
    return found


FORM_OPERATIONS = _form_operations()


def _broken_request(media: str) -> tuple[bytes, str]:
    if media == "multipart/form-data":
        body = f'--XX\r\nContent-Disposition: form-data; name="{BROKEN_NAME}"\r\n\r\nabc\r\n--XX--\r\n'
        return body.encode(), "multipart/form-data; boundary=XX"
    return f"{BROKEN_NAME}=1".encode(), media


def test_the_shipped_specs_have_the_bodies_that_crashed() -> None:
    """The table below is not empty: MyRVM's backup upload (multipart) and CloudConnexa's token form."""
    seen = {(spec.name, path) for _, spec, _, path, _ in FORM_OPERATIONS}
    assert ("myrvm.yaml", "/api/v2/rvms/rvm-0042/backup/upload") in seen
    assert ("cloudconnexa.yaml", "/api/v1/oauth/token") in seen


@pytest.mark.parametrize(
    ("name", "spec", "method", "path", "media"),
    FORM_OPERATIONS,
    ids=[f"{spec.stem}-{method}-{path}" for _, spec, method, path, _ in FORM_OPERATIONS],
)
def test_a_field_name_with_a_broken_percent_escape_gets_a_4xx(
    name: str, spec: Path, method: str, path: str, media: str, prism: MockFactory
) -> None:
    """`name="a%"` in a multipart part or form field gets a 4xx in the spec's error shape, twice: the mock
    is still alive and answering after the first."""
    body, content_type = _broken_request(media)
    mock = prism(name, spec)
    for _ in range(2):
        response = httpx.request(
            method,
            f"{mock.url}{path}",
            content=body,
            headers={"Content-Type": content_type, "Authorization": "Bearer t"},
            timeout=10,
        )
        assert 400 <= response.status_code < 500, response.text
        assert isinstance(response.json(), dict)
    assert mock.alive(), mock.last_log_lines()


@pytest.fixture
def failing_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """failing_server.cjs under the hardening preload on a free port; always killed. Param: the spec whose
    error shape it answers in (None: no shape)."""
    port = free_port()
    env = dict(os.environ, NODE_OPTIONS=f"--require {HARDENING}")
    env.pop("PRISM_ERROR_SHAPE", None)
    spec = getattr(request, "param", None)
    if spec is not None:
        shape = error_shape(load(load_registry()[spec].spec))
        assert shape is not None
        env["PRISM_ERROR_SHAPE"] = shape.to_json()
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(["node", str(FAILING_SERVER), str(port)], stdout=subprocess.PIPE, stderr=log, env=env)
    try:
        assert process.stdout is not None and process.stdout.readline() == b"listening\n"
        yield f"http://{LOOPBACK}:{port}"
        assert process.poll() is None, "the server died"
    finally:
        process.kill()
        process.wait(timeout=5)
        log.close()


@pytest.mark.parametrize(("target", "error"), [("/reject", "URIError: URI malformed"), ("/throw", "TypeError")])
def test_an_error_thrown_inside_a_request_answers_that_request(failing_server: str, target: str, error: str) -> None:
    """A rejection or exception while a request is handled answers it with a 400 problem document naming
    the error, and the server goes on answering."""
    response = httpx.get(f"{failing_server}{target}", timeout=10)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and error in body["detail"]
    assert httpx.get(f"{failing_server}/ok", timeout=10).text == "ok"


@pytest.mark.parametrize("failing_server", ["xoohoox"], indirect=True)
def test_the_guard_answers_in_the_api_error_shape(failing_server: str) -> None:
    """With the API's shape handed over, the guard's answer is that API's error (here an envelope)."""
    response = httpx.get(f"{failing_server}/reject", timeout=10)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "error"
    assert "URIError: URI malformed" in body["message"]
    assert body["errors"][0]["field"] == "request"


def test_an_error_outside_any_request_still_ends_the_process() -> None:
    """The guard keeps no broken process alive: a failure at start (a spec Prism cannot load) exits 1."""
    env = dict(os.environ, NODE_OPTIONS=f"--require {HARDENING}")
    result = subprocess.run(
        ["node", str(FAILING_SERVER), "--fail-at-start"], capture_output=True, env=env, timeout=30, check=False
    )
    assert result.returncode == 1
    assert b"cannot load the spec" in result.stderr


def test_shape_json_round_trips() -> None:
    """PRISM_ERROR_SHAPE is plain JSON the preload can read (templates included)."""
    shape = error_shape(load(load_registry()["myrvm"].spec))
    assert shape is not None
    assert json.loads(shape.to_json())["templates"]["422"]["status"] == 422
