"""Prism over the corpus: each spec served by the hardened Prism (mock/prism.py), one call per operation.

`python -m tests.corpus.corpus_mock [NAME ...]` prints a table: how long Prism took to answer its port, and
per operation the answer's status class (2xx/3xx: an example or a generated body; 4xx: Prism found the
request invalid, which for a call made from the spec alone mostly means a body or parameter it could not
guess; 5xx: Prism could not answer; none: no answer at all). tests/corpus/test_corpus_mock.py runs it.
Each call is built from the spec alone: path and required query/header parameters from their example,
enum, default or type, and a JSON body from the request body's example when there is one.
`--large stripe.com` prints the start of the spec plain Prism never answered for (mock/prism-large-spec.cjs);
it is a printed figure, not an assertion: the machine's load moves it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import httpx

from generator.spec_walk import follow_ref_or, load
from mock.prism import MockError, PrismServer, free_port
from tests.corpus.corpus import CACHE, CorpusSpec, chosen_specs, extract

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_SAMPLE_BY_TYPE = {"integer": 1, "number": 1, "boolean": "true", "array": "a"}


@attrs.frozen(kw_only=True)
class MockOutcome:
    name: str
    operations: int
    start_s: float | None  # None: Prism did not start
    answers: Mapping[str, int]  # status class ("2xx", "4xx", "5xx", "none") -> operations
    failure: str | None = None

    @property
    def answered(self) -> int:
        """Operations Prism answered with anything but its own failure (5xx) or silence."""
        return sum(count for status, count in self.answers.items() if status not in ("5xx", "none"))


def _deref(document: Any, node: Any) -> Any:
    """`node` with its local `$ref` chain followed by the shared reader; {} for a broken or looping chain."""
    return follow_ref_or(document, node, {})


def _sample(document: Any, parameter: Mapping[str, Any]) -> str:
    schema = _deref(document, parameter.get("schema") or {})
    schema = schema if isinstance(schema, dict) else {}
    for value in (parameter.get("example"), schema.get("example"), schema.get("default")):
        if value is not None and not isinstance(value, dict | list):
            return str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return str(schema["enum"][0])
    if schema.get("format") == "uuid":
        return "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    if schema.get("format") == "date-time":
        return "2024-01-01T00:00:00Z"
    if schema.get("format") == "date":
        return "2024-01-01"
    return str(_SAMPLE_BY_TYPE.get(str(schema.get("type")), "a"))


def calls(document: Any) -> Iterator[tuple[str, str, dict[str, str], dict[str, str], Any]]:
    """(method, path, query, headers, JSON body or None) for each operation of the document."""
    for route, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            params = [_deref(document, p) for p in [*item.get("parameters", []), *operation.get("parameters", [])]]
            path, query, headers = route, {}, {}
            for p in params:
                if not isinstance(p, dict) or "name" not in p:
                    continue
                where = p.get("in")
                if where == "path":
                    path = path.replace("{" + str(p["name"]) + "}", _sample(document, p))
                elif where == "query" and p.get("required"):
                    query[str(p["name"])] = _sample(document, p)
                elif where == "header" and p.get("required"):
                    headers[str(p["name"])] = _sample(document, p)
            _credentials(document, operation.get("security", document.get("security")), query, headers)
            yield method.upper(), path, query, headers, _body(document, operation)


def _credentials(document: Any, security: Any, query: dict[str, str], headers: dict[str, str]) -> None:
    """Made-up credentials for the operation's first security requirement: Prism checks they are present."""
    if not isinstance(security, list) or not security or not isinstance(security[0], dict):
        return
    schemes = (document.get("components") or {}).get("securitySchemes") or (document.get("securityDefinitions") or {})
    cookies = []
    for name in security[0]:
        scheme = schemes.get(name) if isinstance(schemes, dict) else None
        if not isinstance(scheme, dict):
            continue
        kind, where = scheme.get("type"), scheme.get("in")
        if kind == "apiKey" and where == "query":
            query[str(scheme.get("name"))] = "corpus-key"
        elif kind == "apiKey" and where == "cookie":
            cookies.append(f"{scheme.get('name')}=corpus-key")
        elif kind == "apiKey":
            headers[str(scheme.get("name"))] = "corpus-key"
        elif kind in ("basic",) or (kind == "http" and str(scheme.get("scheme")).lower() == "basic"):
            headers["Authorization"] = "Basic Y29ycHVzOmNvcnB1cw=="
        else:  # http bearer, oauth2, openIdConnect
            headers["Authorization"] = "Bearer corpus-token"
    if cookies:
        headers["Cookie"] = "; ".join(cookies)


def _body(document: Any, operation: Mapping[str, Any]) -> Any:
    body = _deref(document, operation.get("requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    media = content.get("application/json") if isinstance(content, dict) else None
    if not isinstance(media, dict):
        return None
    if "example" in media:
        return media["example"]
    for example in (media.get("examples") or {}).values():
        example = _deref(document, example)
        if isinstance(example, dict) and "value" in example:
            return example["value"]
    schema = _deref(document, media.get("schema") or {})
    return schema.get("example", {}) if isinstance(schema, dict) else {}


def run_one(spec: CorpusSpec, *, ready_timeout_s: float = 300) -> MockOutcome:
    path = extract(spec)
    document = load(path)
    operations = list(calls(document))
    server = PrismServer(path, port=free_port(), log_path=CACHE / "prism-corpus.log")
    started = time.perf_counter()
    try:
        server.start(ready_timeout_s=ready_timeout_s)
    except MockError as exc:
        return MockOutcome(name=spec.name, operations=len(operations), start_s=None, answers={}, failure=str(exc))
    start_s = time.perf_counter() - started
    answers: Counter[str] = Counter()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for method, route, query, headers, body in operations:
                kwargs: dict[str, Any] = {"params": query, "headers": headers}
                if body is not None and method in ("POST", "PUT", "PATCH"):
                    kwargs["json"] = body
                try:
                    status = client.request(method, route, **kwargs).status_code
                    answers[f"{status // 100}xx"] += 1
                except Exception:  # httpx's errors, and h11's own when a connection is cut mid-call
                    answers["none"] += 1
        alive = server.alive()
    finally:
        server.stop()
    failure = None if alive else "Prism died during the calls"
    return MockOutcome(
        name=spec.name, operations=len(operations), start_s=start_s, answers=dict(answers), failure=failure
    )


def table(outcomes: Sequence[MockOutcome]) -> str:
    lines = [
        "| spec | operations | Prism start s | 2xx/3xx | 4xx | 5xx | no answer | note |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for o in outcomes:
        ok = o.answers.get("2xx", 0) + o.answers.get("3xx", 0)
        start = f"{o.start_s:.1f}" if o.start_s is not None else "did not start"
        row = [o.answers.get(k, 0) for k in ("4xx", "5xx", "none")]
        note = (o.failure or "")[:200]
        lines.append(f"| {o.name} | {o.operations} | {start} | {ok} | {row[0]} | {row[1]} | {row[2]} | {note} |")
    started = sum(o.start_s is not None for o in outcomes)
    answered = sum(o.answered for o in outcomes)
    total = sum(o.operations for o in outcomes)
    lines.append(f"\n{started} of {len(outcomes)} specs start; {answered} of {total} operations answered (not 5xx)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    outcomes = [run_one(spec) for spec in chosen_specs(argv)]
    print(table(outcomes))
    return 0 if all(o.failure is None for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
