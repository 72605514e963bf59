"""A resource in the shape client design documents often show: plain data in, lists out.

``list(**filters)`` returns every item (all pages) as a list, filtered by field values;
``get(id)``, ``create(data)``, ``update(id, data)`` and ``delete(id)`` take a dict where the SDK's own
resource methods take a typed request model (``body=``). The SDK's own methods (``list_all``,
``get_detailed``, ...) stay reachable on the same object. Filters name fields by their JSON or Python
names; the generator writes the pairs of the items' fields that differ (``fields=``).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from ._model_fields import NO_NAMES, FieldNames, read_field

__all__ = ["PlainResource"]


class PlainResource:
    """Wraps one SDK resource (`resource`); `bodies` maps ``create``/``update`` to their request model classes,
    `fields` the items' JSON field names to their model attributes (where they differ)."""

    def __init__(
        self,
        resource: Any,
        *,
        bodies: Mapping[str, type] | None = None,
        fields: FieldNames | Mapping[str, str] = NO_NAMES,
    ) -> None:
        self._resource = resource
        self._bodies = dict(bodies or {})
        self._fields = fields if isinstance(fields, FieldNames) else FieldNames(fields)

    def __getattr__(self, name: str) -> Any:
        if name in ("_resource", "_bodies", "_fields"):
            raise AttributeError(name)
        return getattr(self._resource, name)

    def __repr__(self) -> str:
        return f"PlainResource({self._resource!r})"

    def list(self, **filters: Any) -> builtins.list[Any]:
        """Every item, all pages walked, keeping those whose fields equal `filters` (JSON or Python names).

        Raises:
            ValueError: a filter names no field of the items (the message names it).
        """
        if hasattr(self._resource, "list_all"):
            items = builtins.list(self._resource.list_all())
        else:
            answer = self._resource.list()
            content = answer if isinstance(answer, builtins.list) else read_field(answer, "content")
            items = builtins.list(content) if isinstance(content, builtins.list) else []
        if items and filters:
            for key in filters:
                if not any(_has_field(item, key, self._fields) for item in items):  # open models differ in extra fields
                    raise ValueError(f"list() filter {key!r} is not a field of {type(items[0]).__name__}")
        fields = self._fields
        return [item for item in items if all(_equal(read_field(item, k, fields), v) for k, v in filters.items())]

    def get(self, id: Any) -> Any:  # the document's parameter name
        """The item with this id (`NotFoundError` when there is none)."""
        return self._resource.get(id)

    def create(self, data: Any) -> Any:
        """Create from a dict (or the request model itself); returns the created item."""
        return self._resource.create(body=self._body("create", data))

    def update(self, id: Any, data: Any) -> Any:
        """Update the item `id` from a dict (or the request model); returns the updated item."""
        return self._resource.update(id, body=self._body("update", data))

    def delete(self, id: Any) -> None:
        """Delete the item `id`."""
        self._resource.delete(id)

    def _body(self, method: str, data: Any) -> Any:
        """The request model from a dict; a missing or unknown field is a ValueError naming it."""
        model = self._bodies.get(method)
        if model is None or not isinstance(data, Mapping):
            return data
        try:
            body = model.from_dict(dict(data))  # type: ignore[attr-defined]  # every generated model has it
        except KeyError as exc:
            raise ValueError(f"{method}() data lacks the required field {exc.args[0]!r} of {model.__name__}") from None
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{method}() data does not fit {model.__name__}: {exc}") from None
        unknown = sorted(set(data) - set(body.to_dict()))
        if unknown:
            raise ValueError(
                f"{method}() data has fields {model.__name__} does not know: {', '.join(map(repr, unknown))}"
            )
        return body


def _has_field(item: object, key: str, fields: FieldNames) -> bool:
    if isinstance(item, Mapping):
        return key in item
    extras = getattr(item, "additional_properties", None)
    return hasattr(item, key) or hasattr(item, fields.python(key)) or (isinstance(extras, Mapping) and key in extras)


def _equal(value: object, wanted: object) -> bool:
    """Equal as given, or as text (enums and ids compare by their value)."""
    if value == wanted:
        return True
    return str(getattr(value, "value", value)) == str(getattr(wanted, "value", wanted))
