"""The living mock's state, inferred from a small spec and driven without any server."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import yaml

from generator.registry import load_registry
from generator.spec_walk import load
from mock.mock_faults import FaultSettings, faults_from_query, plan, prefer_items
from mock.state_api import Change, LivingApi, Request
from mock.state_records import IdSource, next_id

SPEC = yaml.safe_load(
    """
openapi: 3.1.0
info: {title: Shop, version: "1", x-sdk-envelope: {data_field: data}}
servers: [{url: "http://localhost/api/v1"}]
paths:
  /widgets:
    get:
      operationId: listWidgets
      parameters:
        - {name: page, in: query, schema: {type: integer}}
        - {name: size, in: query, schema: {type: integer}}
        - {name: colour, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              example:
                status: success
                data: {items: [{id: w-001, colour: red, parts: [{n: 1}]}], total: 1, page: 1, size: 20}
    post:
      operationId: createWidget
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/WidgetEnvelope'}
              example: {status: success, data: {id: w-009, colour: blue, parts: []}}
  /widgets/{id}:
    get:
      operationId: getWidget
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/WidgetEnvelope'}
              example: {status: success, data: {id: w-001, colour: red, parts: [{n: 1}]}}
        '404':
          description: missing
          content:
            application/json:
              example: {status: error, message: no such widget}
    patch:
      operationId: updateWidget
      responses:
        '200': {$ref: '#/paths/~1widgets~1{id}/get/responses/200'}
        '412': {description: stale, content: {application/json: {example: {status: error, message: stale}}}}
    delete:
      operationId: deleteWidget
      responses:
        '204': {description: gone}
        '404': {$ref: '#/paths/~1widgets~1{id}/get/responses/404'}
  /shops/{id}/settings:
    parameters: [{name: id, in: path, required: true, schema: {type: string}, example: shop-1}]
    get:
      operationId: getSettings
      responses:
        '200': &settings
          description: ok
          content: {application/json: {example: {shop: shop-1, open: true, hours: {from: 8, to: 18}}}}
        '404': {description: missing, content: {application/json: {example: {status: error, message: no shop}}}}
    patch:
      operationId: updateSettings
      responses:
        '200': *settings
components:
  schemas:
    WidgetEnvelope:
      type: object
      properties:
        status: {type: string}
        data: {$ref: '#/components/schemas/Widget'}
    Widget:
      type: object
      properties:
        id: {type: string}
        colour: {type: string}
        parts: {type: array, items: {type: object, required: [n], properties: {n: {type: integer}}}}
"""
)


def _call(api: LivingApi, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, Any, dict[str, str]]:
    reply = api.answer(
        Request(
            method=method,
            path=path.split("?")[0],
            query=dict(part.split("=") for part in path.partition("?")[2].split("&") if part),
            headers={k.replace("_", "-").lower(): v for k, v in headers.items()},
            body=json.dumps(body).encode() if body is not None else b"",
        )
    )
    return reply.status, json.loads(reply.body) if reply.body else None, dict(reply.headers)


def test_collections_and_singletons_are_inferred_from_paths() -> None:
    """`P` beside `P/{id}` is a collection; a path with GET and PATCH is a singleton; both seeded from examples."""
    api = LivingApi(SPEC)
    assert not api.resources["/widgets"].singleton and api.resources["/widgets"].id_field == "id"
    assert api.resources["/shops/{id}/settings"].singleton
    assert list(api.state()["/widgets"]) == ["w-001"]
    assert list(api.state()["/shops/{id}/settings"]) == ["shop-1"]


def test_create_read_list_update_delete() -> None:
    """A created record gets the next id in the examples' style, is read back, listed, merged, removed."""
    api = LivingApi(SPEC)
    status, created, _ = _call(api, "POST", "/widgets", {"colour": "green"})
    assert status == 201 and created["data"] == {"id": "w-002", "colour": "green", "parts": []}
    assert _call(api, "GET", "/api/v1/widgets/w-002")[1]["data"]["colour"] == "green"  # the server's base path too
    listed = _call(api, "GET", "/widgets")[1]["data"]
    assert [w["id"] for w in listed["items"]] == ["w-001", "w-002"] and listed["total"] == 2
    assert _call(api, "GET", "/widgets?colour=green")[1]["data"]["items"][0]["id"] == "w-002"
    assert _call(api, "GET", "/widgets?page=2&size=1")[1]["data"]["items"][0]["id"] == "w-002"
    assert _call(api, "PATCH", "/widgets/w-002", {"colour": "teal"})[1]["data"]["colour"] == "teal"
    assert _call(api, "DELETE", "/widgets/w-002")[0] == 204
    assert _call(api, "GET", "/widgets/w-002")[:2] == (404, {"status": "error", "message": "no such widget"})


def test_a_written_field_that_does_not_fit_the_answer_is_not_stored() -> None:
    """A body field whose shape differs from the answer's property keeps the old value, so answers stay valid."""
    api = LivingApi(SPEC)
    _, body, _ = _call(api, "PATCH", "/widgets/w-001", {"parts": [{"value": "x"}], "colour": "blue"})
    assert body["data"] == {"id": "w-001", "colour": "blue", "parts": [{"n": 1}]}


def test_etags_follow_the_record_and_conditions_hold() -> None:
    """The ETag changes with the record; a stale If-Match answers the documented 412 and changes nothing."""
    api = LivingApi(SPEC)
    tag = _call(api, "GET", "/widgets/w-001")[2]["ETag"]
    assert _call(api, "GET", "/widgets/w-001")[2]["ETag"] == tag
    assert _call(api, "PATCH", "/widgets/w-001", {"colour": "blue"}, if_match=tag)[0] == 200
    new_tag = _call(api, "GET", "/widgets/w-001")[2]["ETag"]
    assert new_tag != tag
    assert _call(api, "PATCH", "/widgets/w-001", {"colour": "pink"}, if_match=tag)[0] == 412
    assert _call(api, "GET", "/widgets/w-001")[1]["data"]["colour"] == "blue"


def test_a_singleton_of_an_unknown_id_is_created_by_its_first_write() -> None:
    """shop-2 answers the documented 404 until a PATCH writes it: then it is its own record, ids put in."""
    api = LivingApi(SPEC)
    assert _call(api, "GET", "/shops/shop-2/settings")[0] == 404
    _, written, _ = _call(api, "PATCH", "/shops/shop-2/settings", {"hours": {"to": 20}})
    assert written == {"shop": "shop-2", "open": True, "hours": {"from": 8, "to": 20}}
    assert _call(api, "GET", "/shops/shop-1/settings")[1]["hours"] == {"from": 8, "to": 18}


def test_reset_and_change_events() -> None:
    """Every successful write is handed to on_change; reset brings the examples back."""
    api = LivingApi(SPEC)
    changes: list[Change] = []
    api.on_change = changes.append
    _call(api, "DELETE", "/widgets/w-001")
    _call(api, "GET", "/widgets/w-404")
    assert [(c.operation_id, c.record) for c in changes] == [("deleteWidget", None)]
    api.reset()
    assert _call(api, "GET", "/widgets/w-001")[0] == 200


def test_prefer_code_picks_a_documented_answer() -> None:
    """`Prefer: code=404` answers that documented example, as Prism does."""
    assert _call(LivingApi(SPEC), "GET", "/widgets/w-001", prefer="code=404")[0] == 404


def test_new_ids_follow_the_examples_style() -> None:
    """Integers count up, prefixed numbers keep their width, UUIDs stay UUIDs (from the seeded source)."""
    rng = random.Random(1)
    assert next_id([3, 7], rng) == 8
    assert next_id(["BAT-2026-0142", "BAT-2026-0141"], rng) == "BAT-2026-0143"
    uuid_text = next_id(["3f6c8a2e-1b4d-4c7a-9e2f-5a8b7c6d1e01"], random.Random(1))
    assert uuid_text == next_id(["3f6c8a2e-1b4d-4c7a-9e2f-5a8b7c6d1e01"], random.Random(1)) and len(uuid_text) == 36


def test_faults_come_from_prefer_or_the_seeded_dice() -> None:
    """A request's Prefer wins; otherwise the mock's rate decides with a seeded source, so runs repeat."""
    assert prefer_items("delay=800, fault=503; x=1") == {"delay": "800", "fault": "503", "x": "1"}
    settings = faults_from_query(FaultSettings(), {"rate": "0.5", "status": "503", "retry_after": "2"})
    first = [plan(settings, None, random.Random(7)).fault for _ in range(1)]
    rolls = random.Random(7)
    run_a = [plan(settings, None, rolls).fault for _ in range(20)]
    rolls = random.Random(7)
    assert run_a == [plan(settings, None, rolls).fault for _ in range(20)]
    assert {"503", None} == set(run_a) and first[0] == run_a[0]
    asked = plan(settings, "fault=reset, delay=800", random.Random(7))
    assert (asked.fault, asked.delay_ms, asked.retry_after_s) == ("reset", 800, 2)
    assert plan(faults_from_query(settings, {"rate": "0"}), None, random.Random(7)).fault is None


def test_ids_keep_their_style_after_the_collection_was_emptied() -> None:
    """Removing every record does not turn new ids into UUIDs, and a removed id is never handed out again."""
    api = LivingApi(SPEC)
    created = _call(api, "POST", "/widgets", {})[1]["data"]["id"]
    _call(api, "DELETE", "/widgets/w-001")
    _call(api, "DELETE", f"/widgets/{created}")
    assert _call(api, "POST", "/widgets", {})[1]["data"]["id"] == "w-003"


def test_a_created_record_does_not_inherit_the_examples_lists() -> None:
    """The example's nested lists (parts with their own ids) are not copied into a new record; given ones are."""
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/widgets"]["post"]["responses"]["201"]["content"]["application/json"]["example"]["data"]["parts"] = [
        {"n": 9}
    ]
    api = LivingApi(spec)
    assert _call(api, "POST", "/widgets", {"colour": "grey"})[1]["data"]["parts"] == []
    assert _call(api, "POST", "/widgets", {"parts": [{"n": 2}]})[1]["data"]["parts"] == [{"n": 2}]


def test_x_mock_resource_overrides_the_inference() -> None:
    """`x-mock-resource: none` keeps a path canned (a PATCH changes nothing); `singleton` marks one as stateful."""
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/shops/{id}/settings"]["x-mock-resource"] = "none"
    api = LivingApi(spec)
    assert "/shops/{id}/settings" not in api.resources
    _call(api, "PATCH", "/shops/shop-1/settings", {"open": False})
    assert _call(api, "GET", "/shops/shop-1/settings")[1]["open"] is True
    spec["paths"]["/shops/{id}/settings"]["x-mock-resource"] = "singleton"
    assert LivingApi(spec).resources["/shops/{id}/settings"].singleton


def test_a_singleton_inside_another_shares_its_fields() -> None:
    """The threshold's own path and the whole configuration are one record for the fields both have."""
    api = LivingApi(load(load_registry()["myrvm"].spec))
    config, threshold = "/api/v2/rvms/rvm-0042/config", "/api/v2/rvms/rvm-0042/config/confidence-threshold"
    _call(api, "PATCH", config, {"confidence_threshold": 0.7})
    assert _call(api, "GET", threshold)[1]["confidence_threshold"] == 0.7
    _call(api, "PATCH", threshold, {"confidence_threshold": 0.6})
    assert _call(api, "GET", config)[1]["confidence_threshold"] == 0.6
    assert _call(api, "GET", "/api/v2/rvms/rvm-9999/config/confidence-threshold")[0] == 404


def test_what_is_nested_under_a_removed_record_is_gone_too() -> None:
    """An operation under a collection's item path answers its documented 404 once that record is removed."""
    api = LivingApi(load(load_registry()["xoohoox"].spec))
    assert _call(api, "GET", "/batches/BAT-2026-0141/equipment")[0] == 200
    _call(api, "DELETE", "/batches/BAT-2026-0141")
    assert _call(api, "GET", "/batches/BAT-2026-0141/equipment")[0] == 404
    assert _call(api, "GET", "/batches/BAT-2026-0142/equipment")[0] == 200


def test_an_id_source_goes_on_from_the_ids_it_issued() -> None:
    """Each new id follows the highest one held so far, seeded or issued, and is never handed out twice."""
    rng = random.Random(1)
    batches = IdSource(["BAT-2026-0141", "BAT-2026-0143"])
    assert [batches.issue(rng) for _ in range(3)] == ["BAT-2026-0144", "BAT-2026-0145", "BAT-2026-0146"]
    short = IdSource(["w-8"])
    assert [short.issue(rng) for _ in range(3)] == ["w-9", "w-10", "w-11"]
    numbers = IdSource([3, 7])
    assert [numbers.issue(rng) for _ in range(2)] == [8, 9]
    named = IdSource(["main"])
    assert [named.issue(rng) for _ in range(2)] == ["main-2", "main-3"]
    fresh = IdSource([])
    assert len({fresh.issue(rng) for _ in range(50)}) == 50
