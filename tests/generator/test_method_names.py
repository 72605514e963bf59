"""Method names from operationIds: every word kept, whatever separates them; collisions numbered and reported."""

from __future__ import annotations

from typing import Any

import pytest

from generator.registry import SdkEntry
from generator.spec_context import SpecContextError, spec_context

ENTRY = SdkEntry(
    name="w",
    spec=None,
    distribution="w",
    package="w",
    client_class="W",
    env_prefix="W",
    mock_port=4099,  # type: ignore[arg-type]
)


def document(*operations: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    paths = {
        path: {"get": {"tags": ["apps"], "responses": {"200": {"description": "ok"}}, **op}} for path, op in operations
    }
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}


def names(doc: dict[str, Any]) -> dict[str, str]:
    return {info.path: info.method_name for info in spec_context(doc, ENTRY).operations.values()}


@pytest.mark.parametrize(
    ("operation_id", "method"),
    [
        ("apps/get-authenticated", "apps_get_authenticated"),
        ("repos:list", "repos_list"),
        ("users.get@v2", "users_get_v2"),
        ("listThings", "list_things"),
    ],
)
def test_operation_id_separators_keep_the_words_apart(operation_id: str, method: str) -> None:
    """`/`, `:`, `@` separate words like `-` and `_` do, instead of gluing them (`appsget_authenticated`)."""
    assert names(document(("/a", {"operationId": operation_id}))) == {"/a": method}


def test_colliding_derived_names_are_numbered_in_path_order_and_reported() -> None:
    """`apps/get` and `apps-get` both read `apps_get`: the later path gets `apps_get_2`, and the rename is listed."""
    doc = document(
        ("/b", {"operationId": "apps-get"}), ("/a", {"operationId": "apps/get"}), ("/c", {"operationId": "apps_get"})
    )
    context = spec_context(doc, ENTRY)
    assert {info.path: info.method_name for info in context.operations.values()} == {
        "/a": "apps_get",
        "/b": "apps_get_2",
        "/c": "apps_get_3",
    }
    assert context.method_renames == (
        "GET /b: method apps.apps_get_2 (its operationId's name apps_get is taken)",
        "GET /c: method apps.apps_get_3 (its operationId's name apps_get is taken)",
    )


def test_a_derived_name_that_takes_another_methods_detailed_twin_is_numbered() -> None:
    """An operationId `thing_detailed` would shadow `thing`'s `_detailed` method, so it is numbered too."""
    doc = document(("/a", {"operationId": "thing"}), ("/b", {"operationId": "thing_detailed"}))
    assert names(doc) == {"/a": "thing", "/b": "thing_detailed_2"}


def test_a_clash_with_an_explicit_method_name_is_still_an_error() -> None:
    """When the spec author chose a name with x-sdk-method, a clash is theirs to resolve: no silent numbering."""
    doc = document(("/a", {"operationId": "apps/get"}), ("/b", {"operationId": "other", "x-sdk-method": "apps_get"}))
    with pytest.raises(SpecContextError, match=r"GET /b and GET /a both define apps\.apps_get"):
        spec_context(doc, ENTRY)
