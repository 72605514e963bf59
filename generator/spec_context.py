"""What the templates need from the spec beyond openapi-python-client's model: our `x-` extensions.

Extensions (documented in the README under "Spec extensions"):

- `x-sdk-method` on an operation: the method name on its tag's resource (`client.<tag>.<method>()`).
  Without it, the operationId in snake_case.
- `x-idempotent: true` on a POST/PATCH: the server deduplicates by `Idempotency-Key`, so the SDK sends
  a key (the caller's or a fresh one, the same on every attempt) and may retry the write.
- `x-sdk-auth: login` / `refresh` / `logout` on the operations that issue, renew and revoke bearer
  tokens (`client.logout()` calls the last one, which must take no arguments, then forgets the token).
- `x-sdk-deferrable: true` on writes (POST, PUT, PATCH, DELETE) that may be queued while offline
  (`deliver="queued"`).
- `info.x-sdk-envelope: {data_field: data, ...}`: every success body wraps its payload; resource
  methods return the payload (`<method>_detailed` keeps the whole envelope, message included).
- `x-sdk-pagination: {style: page|cursor|next_link, ...}` on a list operation: `<method>_all()` iterates
  every item across pages (see runtime/shapes/_pagination.py for the keys of each style).
- `info.x-sdk-defaults: {retry: {...}, circuit: {...}, rate_limit: {...}}`: the API's own defaults,
  below the caller's settings and the environment (runtime/policies/_sdk_defaults.py).
- `x-sdk-since: "1.1.0"` and `x-sdk-fallback: {via: <list operationId>, match: id}` on an operation
  newer API versions added: a client made with `api_version="1.0"` serves it by walking the list.
- `info.x-sdk-error-names: {ResourceNotFoundError: NotFoundError, ...}`: the API's own names for the
  runtime's error classes, exported by the SDK's `errors` module as aliases.
- `x-sdk-health: true` on a GET that answers when the API is reachable; the outbox probes it.
- `info.x-sdk-design-names: [{document, names: [{document, sdk}, ...]}]`: the design documents the API
  comes from and how their names map to the SDK's; the SDK README's "From the design document" section
  (generator/design_names.py).
- `x-sdk-bind: <name>` on a path parameter: the clients take `<name>=` once (a machine's own id) and use
  it for that parameter in every operation that has it; a value passed to a call still wins.

OAuth2 client credentials come from the spec's `securitySchemes` (flows.clientCredentials.tokenUrl).
Fields and parameters whose schema says ``format: password`` or ``writeOnly: true``, and the API keys
of ``type: apiKey`` security schemes, are credentials: their names go to the runtime's redaction policy
(`secret_fields`), which masks them in DEBUG logs and error messages like fields named ``password`` or
``token``, and strips such headers from downloads that leave the API's origin.

Each operation's JSON success schemas, compacted for the runtime's response check, come from
generator/response_schemas.py (`OperationInfo.response_schemas`, `SpecContext.schema_definitions`).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from typing import Any

import attrs
from openapi_python_client import strings

from generator.aliases import AliasError, Aliases, parse_aliases
from generator.constraints import request_constraints
from generator.design_names import DesignDocument, DesignNamesError, parse_design_names
from generator.media_types import accept_header
from generator.registry import SdkEntry
from generator.response_schemas import response_schemas
from generator.runtime.outbox._client_options import ClientOptions
from generator.spec_check import load_spec
from generator.spec_walk import HTTP_METHODS, RefError, error_statuses, follow_ref, follow_ref_or, ref_chain
from generator.spec_walk import operations as walked_operations

_WRITE_METHODS = ("post", "put", "patch", "delete")  # the methods x-sdk-deferrable may queue
_PATH_PARAMETER = re.compile(r"\{[^}/]*\}")


class SpecContextError(Exception):
    """An extension is used wrongly; the message names the operation and the extension."""


@attrs.frozen(kw_only=True)
class OperationInfo:
    """One operation as the resource templates see it."""

    key: str  # see operation_key(): how templates find it from an openapi-python-client Endpoint
    path: str
    method: str
    operation_id: str
    resource: str
    method_name: str
    sends_idempotency_key: bool  # an x-idempotent POST/PATCH: a key makes its retries safe
    deferrable: bool
    auth_role: str | None
    deprecated: bool
    requires_auth: bool
    health: bool  # x-sdk-health: a cheap GET that says the API is reachable (the outbox probes it)
    pagination: Mapping[str, Any] | None = None  # x-sdk-pagination: <method>_all() walks every page
    since: str | None = None  # x-sdk-since: the first API version with this operation
    fallback: Mapping[str, Any] | None = None  # x-sdk-fallback: {via: <list operationId>, match: <field>}
    # x-sdk-legacy-fields of the success body's schema (or of its list field's items): fields older versions
    # still send, stripped from every answer so all versions parse alike; legacy_items names that list field
    legacy_fields: tuple[str, ...] = ()
    legacy_items: str | None = None
    accept: str | None = None  # the Accept header: every media type the responses document (media_types.py)
    # status pattern ("200", "2XX") -> compact schema of its JSON success body (generator/response_schemas.py)
    response_schemas: Mapping[str, Any] = attrs.field(factory=dict)
    bindings: Mapping[str, str] = attrs.field(factory=dict)  # x-sdk-bind: path parameter name -> client argument
    constraints: Mapping[str, Any] | None = None  # what the SDK checks before sending (generator/constraints.py)
    # "<in>:<name>" -> (style, explode) as the spec states them (None: OpenAPI's default for the location)
    parameter_styles: Mapping[str, tuple[str | None, bool | None]] = attrs.field(factory=dict)
    error_statuses: tuple[int, ...] = ()  # the documented 4xx/5xx statuses


@attrs.frozen(kw_only=True)
class AuthInfo:
    """How the spec says clients authenticate."""

    bearer: bool
    login_path: str | None
    refresh_path: str | None
    token_url: str | None
    scopes: tuple[str, ...]
    # apiKey and HTTP basic schemes as (name, kind, location, parameter), and which operations need them
    key_schemes: tuple[tuple[str, str, str | None, str | None], ...] = ()
    security: Mapping[str, tuple[tuple[str, ...], ...]] = attrs.field(factory=dict)  # operationId -> alternatives
    default_security: tuple[tuple[str, ...], ...] = ()

    @property
    def kind(self) -> str:
        if self.token_url is not None:
            return "client_credentials"
        if self.login_path is not None:
            return "login"
        return "bearer" if self.bearer else "none"


@attrs.frozen(kw_only=True)
class SpecContext:
    title: str
    version: str
    description: str
    design_names: tuple[DesignDocument, ...] = ()  # info.x-sdk-design-names: design documents' names -> the SDK's
    operations: Mapping[str, OperationInfo]
    auth: AuthInfo
    envelope_data_field: str | None = None  # info.x-sdk-envelope: success bodies wrap their data here
    method_renames: tuple[str, ...] = ()  # operationIds whose method name was taken: what they are called instead
    error_names: Mapping[str, str] = attrs.field(factory=dict)  # info.x-sdk-error-names: alias -> runtime class
    sdk_defaults: Mapping[str, Any] | None = None  # info.x-sdk-defaults: the API's retry/circuit/rate-limit defaults
    api_versions: tuple[str, ...] = ()  # info.version of this spec and of sdks.toml's other_versions, oldest first
    aliases: Aliases | None = None  # info.x-sdk-aliases: the design document's names (<package>.design)
    secret_fields: tuple[str, ...] = ()  # fields/parameters marked format: password or writeOnly (see secret_fields())
    schema_definitions: Mapping[str, Any] = attrs.field(factory=dict)  # $ref targets of the response schemas
    bound_parameters: Mapping[str, str] = attrs.field(factory=dict)  # x-sdk-bind: client argument -> Python type

    @property
    def health(self) -> OperationInfo | None:
        """The operation marked x-sdk-health (the first, if several are)."""
        return next((op for op in self.operations.values() if op.health), None)

    def by_id(self, operation_id: str) -> OperationInfo | None:
        return next((op for op in self.operations.values() if op.operation_id == operation_id), None)

    @property
    def logout(self) -> OperationInfo | None:
        """The operation marked x-sdk-auth: logout, if the spec has one."""
        return next((op for op in self.operations.values() if op.auth_role == "logout"), None)

    def op(self, method: object, path: object) -> OperationInfo:
        """The operation an openapi-python-client Endpoint describes (its path is an UntrustedString)."""
        return self.operations[operation_key(plain_text(method), plain_text(path))]


def operation_key(method: str, path: str) -> str:
    """`<method> <path>` with parameter names blanked: openapi-python-client renames `{petId}` to
    `{pet_id}` in Endpoint.path, and OpenAPI forbids paths that differ only in parameter names."""
    return f"{method.lower()} {_PATH_PARAMETER.sub('{}', path)}"


# Client members a tag must not overwrite; such a tag's resource gets a trailing underscore.
RESERVED_RESOURCE_NAMES = frozenset(
    {
        "settings",
        "low_level",
        "download",
        "logout",
        "is_authenticated",
        "close",
        "aclose",
        "before_request",
        "after_response",
        "on_error",
        "on_call_error",
        "on_circuit_change",
        "outbox",
        "realtime",
    }
)


def resource_attribute(tag: str) -> str:
    """The client attribute for a tag's resource: the tag, or `<tag>_` when it would hide a client member."""
    return f"{tag}_" if tag in RESERVED_RESOURCE_NAMES or tag.startswith("_") else tag


# The runtime's error classes the SDK's `errors` module exports (errors.py.jinja), which design modules re-export.
RUNTIME_ERROR_NAMES = (
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "CircuitOpenError",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeout",
    "ResponseValidationError",
    "ServerError",
    "ServiceUnavailableError",
    "TokenRefreshError",
    "TransportError",
    "UnprocessableEntityError",
)


def public_error_names() -> tuple[str, ...]:
    """Every error class the runtime exports (`SDKError` and all below it), sorted: the SDK's `errors` module
    exports them all, so nothing a caller catches lives only under the private `_runtime`."""
    import generator.runtime as runtime  # the runtime itself is the list: a new error class is exported at once

    return tuple(
        sorted(
            name
            for name in runtime.__all__
            if isinstance(value := getattr(runtime, name), type) and issubclass(value, runtime.SDKError)
        )
    )


def design_error_names(entry: SdkEntry, context: SpecContext) -> list[str]:
    """The error names a design module re-exports: the SDK's root error, the API's own names, the runtime's."""
    names = [f"{entry.client_class}Error", *context.error_names]
    return names + [name for name in RUNTIME_ERROR_NAMES if name not in names]


def plain_text(value: object) -> str:
    """A spec string as it is: openapi-python-client wraps some (names, paths) in an `UntrustedString`."""
    reveal = getattr(value, "get_untrusted_value", None)
    return str(reveal() if callable(reveal) else value)


def _resource_name(operation: Mapping[str, Any]) -> str:
    tags = operation.get("tags") or ["default"]
    return str(strings.PythonIdentifier(value=str(tags[0]), prefix="tag"))


_NOT_NAME_CHARACTER = re.compile(r"[^\w.\- ]+")


def _method_name(operation: Mapping[str, Any], method: str, path: str) -> str:
    explicit = operation.get("x-sdk-method")
    if explicit is None:
        fallback = operation.get("operationId") or f"{method}_{path}"
        # PythonIdentifier deletes characters such as "/" and glues the words around them together.
        words = _NOT_NAME_CHARACTER.sub("_", str(fallback))
        return str(strings.PythonIdentifier(value=words, prefix="call"))
    if not isinstance(explicit, str) or not explicit.isidentifier() or keyword.iskeyword(explicit):
        raise SpecContextError(f"{method.upper()} {path}: x-sdk-method {explicit!r} is not a Python method name")
    return explicit


# Client constructor arguments a bound parameter's name may not take.
_CLIENT_ARGUMENTS = frozenset(
    {"self", "base_url", "config_file", "token_store", "transport", "clock", "options"}
    | ClientOptions.__optional_keys__
)
_PYTHON_TYPES = {"string": "str", "integer": "int", "number": "float"}


def _bindings(
    document: Mapping[str, Any],
    item: Mapping[str, Any],
    operation: Mapping[str, Any],
    where: str,
    bound_types: dict[str, str],
) -> dict[str, str]:
    """The operation's path parameters marked x-sdk-bind, by parameter name; records each argument's type."""
    bindings: dict[str, str] = {}
    for raw in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = follow_ref(document, raw) or {}
        bind = parameter.get("x-sdk-bind")
        if bind is None:
            continue
        name = parameter.get("name")
        if parameter.get("in") != "path":
            raise SpecContextError(f"{where}: x-sdk-bind on parameter {name!r} is for path parameters only")
        if not isinstance(bind, str) or not bind.isidentifier() or keyword.iskeyword(bind) or bind in _CLIENT_ARGUMENTS:
            raise SpecContextError(f"{where}: x-sdk-bind {bind!r} on {name!r} must be a free Python argument name")
        schema = follow_ref(document, parameter.get("schema")) or {}
        python_type = _PYTHON_TYPES.get(str(schema.get("type")), "str")
        if bound_types.setdefault(bind, python_type) != python_type:
            raise SpecContextError(
                f"{where}: x-sdk-bind {bind!r} is a {bound_types[bind]} elsewhere, {python_type} here"
            )
        bindings[str(name)] = bind
    return bindings


def _parameter_styles(
    document: Mapping[str, Any], item: Mapping[str, Any], operation: Mapping[str, Any]
) -> dict[str, tuple[str | None, bool | None]]:
    """Each parameter's explicit `style` and `explode` (the operation's own win over the path item's)."""
    styles: dict[str, tuple[str | None, bool | None]] = {}
    for raw in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = follow_ref_or(document, raw, {}) or {}
        if isinstance(parameter, Mapping):
            explode = parameter.get("explode")
            style = parameter.get("style")
            styles[f"{parameter.get('in')}:{parameter.get('name')}"] = (
                str(style) if style is not None else None,
                bool(explode) if explode is not None else None,
            )
    return styles


def _mapping(value: object) -> Mapping[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None


def _pagination(operation: Mapping[str, Any], where: str) -> Mapping[str, Any] | None:
    value = operation.get("x-sdk-pagination")
    if value is None:
        return None
    if not isinstance(value, Mapping) or "style" not in value:
        raise SpecContextError(f"{where}: x-sdk-pagination must be a mapping with a style (page, cursor, next_link)")
    return dict(value)


def _schema(document: Mapping[str, Any], node: object) -> Mapping[str, Any]:
    """A schema with its local ``$ref``s followed; {} for anything that is not a schema or does not resolve."""
    schema = follow_ref_or(document, node, {})
    return schema if isinstance(schema, Mapping) else {}


def _legacy_fields_of(schema: Mapping[str, Any]) -> tuple[str, ...]:
    extension = schema.get("x-sdk-legacy-fields")
    if not isinstance(extension, Mapping):
        return ()
    return tuple(sorted({str(field) for fields in extension.values() for field in (fields or [])}))


def _legacy(document: Mapping[str, Any], operation: Mapping[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """The x-sdk-legacy-fields an operation's success body carries: on the body itself, or on a list's items."""
    for status, answer in sorted((operation.get("responses") or {}).items()):
        if not str(status).startswith("2"):
            continue
        for media in ((answer or {}).get("content") or {}).values():
            body = _schema(document, (media or {}).get("schema"))
            if fields := _legacy_fields_of(body):
                return fields, None
            for name, prop in (body.get("properties") or {}).items():
                prop = _schema(document, prop)
                if prop.get("type") == "array" and (fields := _legacy_fields_of(_schema(document, prop.get("items")))):
                    return fields, str(name)
    return (), None


def _auth_info(document: Mapping[str, Any], operations: Mapping[str, OperationInfo]) -> AuthInfo:
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    bearer = any(s.get("type") == "http" and str(s.get("scheme", "")).lower() == "bearer" for s in schemes.values())
    token_url = None
    scopes: tuple[str, ...] = ()
    for scheme in schemes.values():
        flow = (scheme.get("flows") or {}).get("clientCredentials") if scheme.get("type") == "oauth2" else None
        if flow and flow.get("tokenUrl"):
            token_url = str(flow["tokenUrl"])
            scopes = tuple(sorted((flow.get("scopes") or {}).keys()))
            break
    paths = {info.auth_role: info.path for info in operations.values() if info.auth_role}
    key_schemes = _key_schemes(schemes)
    return AuthInfo(
        bearer=bearer or token_url is not None,
        login_path=paths.get("login"),
        refresh_path=paths.get("refresh"),
        token_url=token_url,
        scopes=scopes,
        key_schemes=key_schemes,
        security=_operation_security(document) if key_schemes else {},
        default_security=_requirement(document.get("security")) if key_schemes else (),
    )


def _key_schemes(schemes: Mapping[str, Any]) -> tuple[tuple[str, str, str | None, str | None], ...]:
    """The apiKey (header, query, cookie) and HTTP basic schemes: settings `api_key`, `username`/`password`."""
    found: list[tuple[str, str, str | None, str | None]] = []
    for name, scheme in sorted(schemes.items()):
        if not isinstance(scheme, Mapping):
            continue
        if scheme.get("type") == "apiKey" and scheme.get("in") in ("header", "query", "cookie") and scheme.get("name"):
            found.append((str(name), "apiKey", str(scheme["in"]), str(scheme["name"])))
        elif scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            found.append((str(name), "basic", None, None))
    return tuple(found)


def _requirement(security: object) -> tuple[tuple[str, ...], ...]:
    """A `security` list as alternatives of scheme names (``()`` for an empty requirement: none needed)."""
    if not isinstance(security, list):
        return ()
    return tuple(tuple(sorted(str(n) for n in r)) for r in security if isinstance(r, Mapping))


def _operation_security(document: Mapping[str, Any]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """operationId -> its own `security`, for the operations that override the document's."""
    found: dict[str, tuple[tuple[str, ...], ...]] = {}
    for item in (document.get("paths") or {}).values():
        for operation in (item or {}).values() if isinstance(item, Mapping) else ():
            if isinstance(operation, Mapping) and "security" in operation and operation.get("operationId"):
                found[str(operation["operationId"])] = _requirement(operation["security"])
    return dict(sorted(found.items()))


def _api_versions(document: Mapping[str, Any], entry: SdkEntry) -> tuple[str, ...]:
    """The versions a client of this SDK may name in `api_version`: this spec's and its older versions'."""
    versions = {str((document.get("info") or {}).get("version", "0.0.0"))}
    for path, _port in entry.other_versions:
        versions.add(str((load_spec(path).get("info") or {}).get("version", "0.0.0")))

    def numeric(version: str) -> tuple[int, ...]:
        return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))

    return tuple(sorted(versions, key=numeric))


def _ref_chain(document: Mapping[str, Any], node: object) -> list[Mapping[str, Any]]:
    """`node` and the schemas its local ``$ref``s lead to, in order (a broken or cyclic chain just ends)."""
    chain: list[Mapping[str, Any]] = []
    try:
        for link in ref_chain(document, node):
            if isinstance(link, Mapping):
                chain.append(link)
    except RefError:
        pass  # the links reached before the bad one still count
    return chain


def _is_credential(document: Mapping[str, Any], schema: object) -> bool:
    """True for a schema marked ``format: password`` or ``writeOnly: true``, beside its $ref (3.1) or behind it."""
    return any(
        link.get("format") == "password" or link.get("writeOnly") is True for link in _ref_chain(document, schema)
    )


def secret_fields(document: Mapping[str, Any]) -> tuple[str, ...]:
    """Names of every property and parameter anywhere in the document whose schema is a credential, and of
    the `securitySchemes`' API keys (``type: apiKey``: the header, query or cookie name), sorted."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    found = {
        str(s["name"])
        for s in schemes.values()
        if isinstance(s, Mapping) and s.get("type") == "apiKey" and s.get("name")
    }
    stack: list[object] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, Mapping):
            continue
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            found.update(str(name) for name, schema in properties.items() if _is_credential(document, schema))
        is_parameter = isinstance(node.get("name"), str) and node.get("in") in ("query", "header", "cookie", "path")
        if is_parameter and _is_credential(document, node.get("schema")):
            found.add(node["name"])
        stack.extend(node.values())
    return tuple(sorted(found))


def spec_context(document: Mapping[str, Any], entry: SdkEntry) -> SpecContext:
    """Collect the extensions of every operation; SpecContextError on misuse."""
    global_security = document.get("security")
    checks = response_schemas(document, HTTP_METHODS)
    operations: dict[str, OperationInfo] = {}
    seen: dict[tuple[str, str], tuple[str, bool]] = {}
    renames: list[str] = []
    bound_types: dict[str, str] = {}
    for found in sorted(walked_operations(document), key=lambda found: found.path):
        path, method, item, operation = found.path, found.method, found.item, found.operation
        resource = _resource_name(operation)
        name = _method_name(operation, method, path)
        where = f"{method.upper()} {path}"
        explicit = operation.get("x-sdk-method") is not None
        name = _free_method_name(resource, name, where, explicit, seen, renames)
        seen[resource, name] = seen[resource, f"{name}_detailed"] = (where, explicit)
        role = operation.get("x-sdk-auth")
        if role not in (None, "login", "refresh", "logout"):
            raise SpecContextError(f"{where}: x-sdk-auth must be 'login', 'refresh' or 'logout', not {role!r}")
        security = operation.get("security", global_security)
        legacy_fields, legacy_items = _legacy(document, operation)
        deferrable = bool(operation.get("x-sdk-deferrable", False))
        try:
            bindings = _bindings(document, item, operation, where, bound_types)
            styles = _parameter_styles(document, item, operation)
            constraints = request_constraints(document, item, operation)
        except RefError as exc:
            raise SpecContextError(f"{where}: {exc}") from exc
        if deferrable and method not in _WRITE_METHODS:
            raise SpecContextError(f"{where}: x-sdk-deferrable is for writes ({', '.join(_WRITE_METHODS)})")
        operations[operation_key(method, path)] = OperationInfo(
            key=operation_key(method, path),
            path=path,
            method=method,
            operation_id=str(operation.get("operationId") or f"{method}_{path}"),
            resource=resource,
            method_name=name,
            sends_idempotency_key=bool(operation.get("x-idempotent", False)) and method in ("post", "patch"),
            deferrable=deferrable,
            auth_role=role,
            deprecated=bool(operation.get("deprecated", False)),
            health=bool(operation.get("x-sdk-health", False)) and method == "get",
            pagination=_pagination(operation, where),
            since=str(operation["x-sdk-since"]) if operation.get("x-sdk-since") is not None else None,
            fallback=_mapping(operation.get("x-sdk-fallback")),
            legacy_fields=legacy_fields,
            legacy_items=legacy_items,
            requires_auth=bool(security) and any(bool(req) for req in security),
            accept=accept_header(document, operation),
            response_schemas=checks.by_operation.get((method, path), {}),
            bindings=bindings,
            constraints=constraints,
            parameter_styles=styles,
            error_statuses=tuple(error_statuses(operation)),
        )
    for info_op in operations.values():
        if info_op.fallback is None:
            continue
        via = next((o for o in operations.values() if o.operation_id == info_op.fallback.get("via")), None)
        if via is None or via.pagination is None or via.resource != info_op.resource:
            raise SpecContextError(
                f"{info_op.method.upper()} {info_op.path}: x-sdk-fallback.via must name a paginated list "
                f"operation of the same tag ({info_op.resource})"
            )
    info = document.get("info") or {}
    envelope = info.get("x-sdk-envelope")
    if envelope is not None and not isinstance(envelope, Mapping):
        raise SpecContextError("info.x-sdk-envelope must be a mapping (see README, Spec extensions)")
    defaults = info.get("x-sdk-defaults")
    if defaults is not None and not isinstance(defaults, Mapping):
        raise SpecContextError("info.x-sdk-defaults must be a mapping (see runtime/policies/_sdk_defaults.py)")
    error_names = info.get("x-sdk-error-names") or {}
    known_errors = {
        "APIStatusError",
        "AuthenticationError",
        "BadRequestError",
        "ConflictError",
        "NotFoundError",
        "PermissionDeniedError",
        "PreconditionFailedError",
        "RateLimitError",
        "ServerError",
        "ServiceUnavailableError",
        "InvalidRequestError",
        "UnprocessableEntityError",
        "TransportError",
        "ConnectError",
        "RequestTimeout",
        "ResponseValidationError",
    }
    for alias, target in error_names.items():
        if not str(alias).isidentifier() or target not in known_errors or alias == target:
            raise SpecContextError(f"info.x-sdk-error-names: {alias}: {target} is not one of {sorted(known_errors)}")
    try:
        aliases = parse_aliases(info.get("x-sdk-aliases"), entry)
    except AliasError as exc:
        raise SpecContextError(str(exc)) from None
    return SpecContext(
        aliases=aliases,
        api_versions=_api_versions(document, entry),
        error_names={str(k): str(v) for k, v in error_names.items()},
        sdk_defaults=dict(defaults) if defaults else None,
        secret_fields=secret_fields(document),
        schema_definitions=checks.definitions,
        envelope_data_field=str((envelope or {}).get("data_field", "data")) if envelope is not None else None,
        title=str(info.get("title", entry.name)),
        version=str(info.get("version", "0.0.0")),
        description=str(info.get("description", "")),
        design_names=_design_names(info),
        operations=operations,
        auth=_auth_info(document, operations),
        method_renames=tuple(renames),
        bound_parameters=dict(sorted(bound_types.items())),
    )


def _free_method_name(
    resource: str,
    name: str,
    where: str,
    explicit: bool,
    seen: Mapping[tuple[str, str], tuple[str, bool]],
    renames: list[str],
) -> str:
    """`name`, or for a name derived from an operationId that is taken, the first free `name_2`, `name_3`...

    Operations are visited in sorted path order, so the numbering is deterministic; each rename is reported.
    A clash involving an explicit x-sdk-method is the spec author's to resolve.
    """
    candidate, number = name, 2
    while clash := next(
        (seen[resource, t] for t in (candidate, f"{candidate}_detailed") if (resource, t) in seen), None
    ):
        other, other_explicit = clash
        if explicit or other_explicit:
            raise SpecContextError(
                f"{where} and {other} both define {resource}.{candidate}: give one of them another x-sdk-method"
            )
        candidate, number = f"{name}_{number}", number + 1
    if candidate != name:
        renames.append(f"{where}: method {resource}.{candidate} (its operationId's name {name} is taken)")
    return candidate


def _design_names(info: Mapping[str, Any]) -> tuple[DesignDocument, ...]:
    try:
        return parse_design_names(info)
    except DesignNamesError as exc:
        raise SpecContextError(str(exc)) from None
