"""The living mock over HTTP: state from the spec alone, Prism still judging, control, faults."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from generator.registry import load_registry
from mock.prism import free_port
from tests.conftest import LivingFactory

pytestmark = pytest.mark.prism
AUTH = {"Authorization": "Bearer test-token"}
NEW_BATCH = {"name": "Test run", "product_type": "fresh_juice", "fruit_variety": "Kiwi", "quantity": 10.0}


def _client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers=AUTH, timeout=30)


def test_a_created_record_is_read_back_listed_updated_and_removed(living_mock: LivingFactory) -> None:
    """POST creates, GET reads it back, the list shows it, PUT changes it, DELETE removes it (then the spec's 404)."""
    with _client(living_mock("xoohoox").url) as client:
        before = len(client.get("/batches").json()["data"]["items"])
        created = client.post("/batches", json=NEW_BATCH)
        assert created.status_code == 201, created.text
        batch_id = created.json()["data"]["id"]
        assert client.get(f"/batches/{batch_id}").json()["data"]["fruit_variety"] == "Kiwi"
        listed = client.get("/batches").json()["data"]["items"]
        assert len(listed) == before + 1 and batch_id in [item["id"] for item in listed]
        updated = client.put(f"/batches/{batch_id}", json={"notes": "moved to line 2"})
        assert updated.status_code == 200, updated.text
        assert client.get(f"/batches/{batch_id}").json()["data"]["notes"] == "moved to line 2"
        assert client.delete(f"/batches/{batch_id}").status_code == 200
        missing = client.get(f"/batches/{batch_id}")
        assert missing.status_code == 404 and missing.json()["status"] == "error"


def test_reset_brings_back_the_examples(living_mock: LivingFactory) -> None:
    """/_mock/reset forgets every write; /_mock/state shows the records; the journal lists the requests."""
    mock = living_mock("xoohoox")
    with _client(mock.url) as client:
        client.delete("/batches/BAT-2026-0142")
        assert "BAT-2026-0142" not in client.get("/_mock/state").json()["/batches"]
        assert [entry["method"] for entry in client.get("/_mock/requests").json()] == ["DELETE"]
        reset = client.post("/_mock/reset", headers={"Origin": "http://localhost:3000"})
        assert reset.headers["Access-Control-Allow-Origin"] == "*"
        assert client.get("/batches/BAT-2026-0142").status_code == 200


def test_a_singleton_keeps_what_was_written_and_its_etag_follows(living_mock: LivingFactory) -> None:
    """PATCH of a singleton is read back; its ETag changes; If-None-Match answers 304, a stale If-Match 412."""
    with _client(living_mock("myrvm").url) as client:
        first = client.get("/api/v2/rvms/rvm-0042/config")
        assert first.status_code == 200, first.text
        tag = first.headers["ETag"]
        assert client.get("/api/v2/rvms/rvm-0042/config", headers={"If-None-Match": tag}).status_code == 304
        patched = client.patch(
            "/api/v2/rvms/rvm-0042/config",
            json={"confidence_threshold": 0.7, "camera": {"fps": 12}},
            headers={"If-Match": tag},
        )
        assert patched.status_code == 200, patched.text
        assert patched.headers["ETag"] != tag
        again = client.get("/api/v2/rvms/rvm-0042/config").json()
        assert again["confidence_threshold"] == 0.7 and again["camera"]["fps"] == 12
        assert again["camera"]["resolution"] == "1920x1080"  # a PATCH merges nested objects
        stale = client.patch("/api/v2/rvms/rvm-0042/config", json={"maintenance_mode": True}, headers={"If-Match": tag})
        assert stale.status_code == 412


def test_an_unknown_id_is_its_own_record(living_mock: LivingFactory) -> None:
    """rvm-9999 is not rvm-0042: 404 as the spec says until written, then its own record with its own id."""
    with _client(living_mock("myrvm").url) as client:
        assert client.get("/api/v2/rvms/rvm-9999/config").status_code == 404
        assert client.patch("/api/v2/rvms/rvm-9999/config", json={"confidence_threshold": 0.5}).status_code == 200
        config = client.get("/api/v2/rvms/rvm-9999/config").json()
        assert config["rvm_id"] == "rvm-9999" and config["confidence_threshold"] == 0.5
        assert client.get("/api/v2/rvms/rvm-0042/config").json()["confidence_threshold"] == 0.85


def test_pagination_follows_the_spec(living_mock: LivingFactory) -> None:
    """A list answer is paged as x-sdk-pagination says: items, total items and pages, page and size."""
    with _client(living_mock("cloudconnexa").url) as client:
        page = client.get("/api/v1/networks", params={"page": 1, "size": 2}).json()
        assert page["totalElements"] == 5 and page["totalPages"] == 3 and page["page"] == 1
        assert len(page["content"]) == 2


def test_prism_still_judges_requests(living_mock: LivingFactory) -> None:
    """An invalid request is refused by Prism with the API's 4xx; the store never sees it."""
    mock = living_mock("myrvm")
    with _client(mock.url) as client:
        refused = client.patch("/api/v2/rvms/rvm-0042/config", json={"confidence_threshold": 7})
        assert refused.status_code in (400, 422)
        assert client.get("/api/v2/rvms/rvm-0042/config").json()["confidence_threshold"] == 0.85


def test_an_answer_that_breaks_the_spec_is_reported_not_served(living_mock: LivingFactory) -> None:
    """A stored record that breaks the response schema comes back as Prism's 500, marked X-Mock-Bug and journaled."""
    mock = living_mock("xoohoox")
    mock.api.resources["/batches"].records.current[("BAT-2026-0142",)]["quantity"] = "lots"
    with _client(mock.url) as client:
        broken = client.get("/batches/BAT-2026-0142")
        assert broken.status_code == 500
        assert "X-Mock-Bug" in broken.headers
        assert client.get("/_mock/requests").json()[-1]["mock_bug"] and mock.http.mock_bugs == 1


def test_faults_on_demand(living_mock: LivingFactory) -> None:
    """Prefer: fault=503 answers 503 at once; /_mock/faults?rate=1 fails every request with its Retry-After."""
    mock = living_mock("xoohoox")
    with _client(mock.url) as client:
        injected = client.get("/batches", headers={"Prefer": "fault=503"})
        assert injected.status_code == 503 and injected.headers["X-Mock-Fault"] == "503"
        client.get("/_mock/faults", params={"rate": 1, "status": 503, "retry_after": 2})
        always = client.post("/batches", json=NEW_BATCH)
        assert always.status_code == 503 and always.headers["Retry-After"] == "2"
        client.get("/_mock/faults", params={"rate": 0})
        assert client.get("/batches").status_code == 200
        with pytest.raises(httpx.TransportError):
            client.get("/batches", headers={"Prefer": "fault=reset"})
        assert [entry.get("fault") for entry in client.get("/_mock/requests").json()] == ["503", "503", None, "reset"]
        client.get("/_mock/faults", params={"rate": 1, "status": "reset"})
        with pytest.raises(httpx.TransportError):
            client.post("/batches", json=NEW_BATCH)  # every API request's connection is closed unanswered
        assert client.get("/_mock/requests").json()[-2].get("fault") == "reset"
        assert len(mock.control("state")["/batches"]) == 2  # the refused create never reached the store


def test_refusals_keep_the_shape_and_status_the_operation_documents(living_mock: LivingFactory) -> None:
    """Behind Prism's proxy, an invalid request still gets the operation's documented 400/422 in the API's
    shape naming the violation, and a missing token the documented 401 example."""
    mock = living_mock("myrvm")
    with _client(mock.url) as client:
        long_id = client.get("/api/v2/timezone/status/" + "0" * 65)  # documents 400, not 422
        assert long_id.status_code == 400, long_id.text
        assert long_id.headers["Content-Type"].startswith("application/problem+json")
        assert long_id.json()["code"] == "malformed_request" and "device_id" in long_id.json()["detail"]
        bad_body = client.patch("/api/v2/rvms/rvm-0042/config", json={"confidence_threshold": 7})
        assert bad_body.status_code == 422 and bad_body.json()["errors"][0]["field"] == "confidence_threshold"
    anonymous = httpx.get(mock.url + "/api/v2/rvms/rvm-0042/config", timeout=30)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "token_expired"


def test_a_seeded_record_carries_the_spec_s_example_etag(living_mock: LivingFactory) -> None:
    """Until it is first written, a record answers the ETag the spec's example shows, so its examples agree."""
    with _client(living_mock("myrvm").url) as client:
        assert client.get("/api/v2/rvms/rvm-0042/config").headers["ETag"] == '"cfg-7f3a9c2e"'


def test_a_path_with_a_newline_still_reaches_prism(living_mock: LivingFactory) -> None:
    """A fuzzed id holding an encoded newline is judged by Prism (the documented 422 in the API's envelope),
    not refused with the web server's plain-text 404."""
    with _client(living_mock("xoohoox").url) as client:
        answer = client.get("/quality/a%0Ab")
        assert answer.status_code == 422 and answer.json()["status"] == "error"


def test_delay_and_timeout_on_demand(living_mock: LivingFactory) -> None:
    """`Prefer: delay=` still reaches an answer Prism accepts; `fault=timeout` never answers; /_mock/latency is kept."""
    mock = living_mock("xoohoox")
    with _client(mock.url) as client:
        assert client.get("/batches", headers={"Prefer": "delay=10"}).status_code == 200
        with pytest.raises(httpx.ReadTimeout):
            client.get("/batches", headers={"Prefer": "fault=timeout"}, timeout=0.5)
        assert client.get("/_mock/latency", params={"ms": 5}).json()["latency_ms"] == 5
        assert client.get("/_mock/latency", params={"ms": "-1"}).status_code == 400
        assert client.get("/batches").status_code == 200


def test_a_browser_on_another_origin_can_read_answers_and_faults(living_mock: LivingFactory) -> None:
    """API answers, injected faults and control answers carry CORS headers; a preflight is never failed."""
    mock = living_mock("xoohoox")
    origin = {"Origin": "http://localhost:5173"}
    with _client(mock.url) as client:
        assert client.get("/batches", headers=origin).headers["Access-Control-Allow-Origin"] in ("*", origin["Origin"])
        client.get("/_mock/faults", params={"rate": 1})
        preflight = client.options(
            "/batches",
            headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "prefer"},
        )
        assert preflight.status_code < 300 and "Access-Control-Allow-Origin" in preflight.headers
        failed = client.get("/batches", headers=origin)
        assert failed.status_code == 503 and failed.headers["Access-Control-Allow-Origin"] == origin["Origin"]


def test_one_spec_from_the_command_line() -> None:
    """`python -m mock.living_mock <spec> --port P` serves that spec with state until SIGTERM."""
    port = free_port()
    spec = load_registry()["xoohoox"].spec
    process = subprocess.Popen(
        [sys.executable, "-m", "mock.living_mock", str(spec), "--port", str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == f"living mock: http://127.0.0.1:{port}"
        assert "/batches" in httpx.get(f"http://127.0.0.1:{port}/_mock/state", timeout=10).json()
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


def test_a_path_value_the_answer_cannot_hold_leaves_the_example_as_it_is(living_mock: LivingFactory) -> None:
    """A canned answer takes the request's path values only where its schema can hold them: a 63-character batch
    id (valid in the path, longer than the answer's batch_id may be) gets the example, not a mock bug."""
    long_id = "0" * 63
    with _client(living_mock("xoohoox").url) as client:
        answer = client.get(f"/quality/batch/{long_id}")
        assert answer.status_code == 200, answer.text
        assert "X-Mock-Bug" not in answer.headers
        short = client.get("/quality/batch/BAT-2026-0099")
        assert short.status_code == 200 and "BAT-2026-0099" in short.text  # values that fit are still echoed
