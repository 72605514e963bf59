"""mock/prism-large-spec.cjs: a spec Prism would expand without end keeps its schemas as bundled $refs.

The operations it hands Prism are checked as data (run through node), then Prism is started on that path
to show each request is still validated. Stripe's start time is printed by
`python -m tests.corpus.corpus_mock --large stripe.com` (no timed assertion here).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator.registry import ROOT
from mock.prism import LARGE_SPEC, MOCK_DIR, PrismServer, free_port

pytestmark = pytest.mark.prism

# A tree of categories: each Category holds Categories (a loop) and an Item, and an Item has an owner.
RECURSIVE = {
    "openapi": "3.0.3",
    "info": {"title": "Recursive probe", "version": "1.0.0"},
    "paths": {
        "/categories": {
            "get": {
                "operationId": "listCategories",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Category"}}},
                    }
                },
            },
            "post": {
                "operationId": "createCategory",
                "requestBody": {"$ref": "#/components/requestBodies/NewCategory"},
                "responses": {
                    "201": {"description": "made", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "422": {"description": "bad", "content": {"application/json": {"schema": {"type": "object"}}}},
                },
            },
        }
    },
    "components": {
        "requestBodies": {
            "NewCategory": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Category"}}},
            }
        },
        "schemas": {
            "Category": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "example": "tools"},
                    "note": {"type": "string", "nullable": True},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Category"}},
                    "item": {"$ref": "#/components/schemas/Item"},
                },
            },
            "Item": {
                "type": "object",
                "properties": {"owner": {"$ref": "#/components/schemas/Owner"}},
            },
            "Owner": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "Unused": {"type": "string"},
        },
    },
}


def fan_out(depth: int) -> dict[str, Any]:
    """A spec whose schema Si refers twice to S(i+1): Prism's tree of it has about 2**depth nodes."""
    schemas = {
        f"S{i}": {
            "type": "object",
            "properties": {
                "left": {"$ref": f"#/components/schemas/S{i + 1}"},
                "right": {"$ref": f"#/components/schemas/S{i + 1}"},
            },
        }
        for i in range(depth)
    }
    schemas[f"S{depth}"] = {"type": "string"}
    response = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Fan-out probe", "version": "1.0.0"},
        "paths": {"/tree": {"get": {"operationId": "tree", "responses": {"200": response}}}},
        "components": {"schemas": schemas},
    }


def run_node(script: str, *, budget: int | None = None) -> Any:
    """What `script` (given `large`, the preload's exports) prints as JSON."""
    env = None if budget is None else {**os.environ, "PRISM_EXPANSION_BUDGET": str(budget)}
    program = f"const large = require({json.dumps(str(LARGE_SPEC))});\n{script}"
    done = subprocess.run(
        ["node", "-e", program], cwd=MOCK_DIR, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout)


def bundled_operations(spec: Path) -> list[dict[str, Any]]:
    script = f"""
    const ops = require('@stoplight/prism-http/dist/utils/operations');
    ops.getHttpOperationsFromSpec({json.dumps(str(spec))}).then((found) => process.stdout.write(JSON.stringify(found)));
    """
    return list(run_node(script, budget=0))


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs(value)]
    return []


def test_schemas_stay_refs_bundled_once_per_operation(tmp_path: Path) -> None:
    spec = tmp_path / "recursive.json"
    spec.write_text(json.dumps(RECURSIVE), encoding="utf-8")
    operations = {op["iid"]: op for op in bundled_operations(spec)}
    assert set(operations) == {"listCategories", "createCategory"}
    for op in operations.values():
        assert set(op["__bundled__"]) == {"Category", "Item", "Owner"}  # what it reaches, Unused left out
        found = refs(op)
        assert found and all(ref.startswith("#/__bundled__/") for ref in found), found
        assert all(ref.removeprefix("#/__bundled__/") in op["__bundled__"] for ref in found)
    # converted to JSON Schema as Prism's own path converts an inline schema (nullable becomes a null type)
    note = operations["listCategories"]["__bundled__"]["Category"]["properties"]["note"]
    assert note["type"] == ["string", "null"], note
    # the request body's $ref (not a schema) is inlined as before; http-spec inlines the body's own schema
    # (as it does on Prism's path), whose loop back to Category stays a $ref
    [body] = operations["createCategory"]["request"]["body"]["contents"]
    assert body["schema"]["properties"]["children"]["items"]["$ref"] == "#/__bundled__/Category"


def test_only_a_spec_past_the_budget_leaves_prisms_own_path(tmp_path: Path) -> None:
    spec = tmp_path / "fan-out.json"
    spec.write_text(json.dumps(fan_out(12)), encoding="utf-8")
    ask = f"process.stdout.write(JSON.stringify(large.takesBundledPath({json.dumps(str(spec))})))"
    assert run_node(ask, budget=1000) is True
    assert run_node(ask, budget=100_000) is False  # about 2**13 nodes: within this budget


@pytest.mark.parametrize("name", ["cloudconnexa.yaml", "myrvm.yaml", "tiktrue.yaml", "xoohoox.yaml"])
def test_our_specs_take_prisms_own_path(name: str) -> None:
    """Their mock behaves exactly as before: the preload hands them to Prism untouched."""
    spec = ROOT / "openapi" / name
    assert run_node(f"process.stdout.write(JSON.stringify(large.takesBundledPath({json.dumps(str(spec))})))") is False


def answers(spec: Path, log: Path) -> list[tuple[int, str]]:
    """(status, violations) for a listing, a valid body and one invalid two $refs deep."""
    with PrismServer(spec, port=free_port(), log_path=log) as server, httpx.Client(base_url=server.url) as client:
        replies = [
            client.get("/categories"),
            client.post("/categories", json={"name": "a", "children": [{"name": "b", "item": {"owner": {"id": 1}}}]}),
            client.post("/categories", json={"name": "a", "children": [{"name": "b", "item": {"owner": {"id": "x"}}}]}),
        ]
    return [(reply.status_code, reply.headers.get("sl-violations", "")) for reply in replies]


def test_prism_answers_alike_on_both_paths_and_still_validates_each_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "recursive.yaml"
    spec.write_text(yaml.safe_dump(RECURSIVE), encoding="utf-8")
    own = answers(spec, tmp_path / "own.log")
    monkeypatch.setenv("PRISM_EXPANSION_BUDGET", "0")
    bundled = answers(spec, tmp_path / "bundled.log")
    assert "its schemas stay $refs" in (tmp_path / "bundled.log").read_text(encoding="utf-8")
    assert "its schemas stay $refs" not in (tmp_path / "own.log").read_text(encoding="utf-8")
    assert bundled == own
    # Prism's sampler leaves the second level of a recursive listing without its required name: a 500
    # under --errors on either path (Prism's own behaviour, kept)
    assert [status for status, _ in bundled] == [500, 201, 422], bundled
    assert "owner" in bundled[2][1] and "integer" in bundled[2][1], bundled[2][1]
