"""The exchange payload (``casebridge.shared-case/v1``) as components of the API's OpenAPI document."""

from __future__ import annotations

import copy
import re
from typing import Any

from config.api.schema import COMPONENTS, SHARED_CASE_COMPONENT
from sharing.redaction import load_schema


def _component_name(definition: str) -> str:
    return SHARED_CASE_COMPONENT + "".join(part.capitalize() for part in definition.split("_"))


def shared_case_components() -> dict[str, Any]:
    """The published JSON Schema as OpenAPI components: the document itself as ``SharedCaseV1`` and
    each of its ``$defs`` as ``SharedCaseV1<Name>``, with every ``#/$defs/…`` reference pointing at them.

    ``$id`` and ``$schema`` are dropped: inside the API document an ``$id`` would make the rewritten
    references resolve against the exchange schema's own address.
    """
    document = copy.deepcopy(load_schema())
    schema_id = document.pop("$id", None)
    document.pop("$schema", None)
    definitions = document.pop("$defs", {})
    pattern = re.compile(r"#/\$defs/([A-Za-z0-9_]+)")

    def rewrite(node):
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        if not isinstance(node, dict):
            return node
        result = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and pattern.fullmatch(value):
                value = COMPONENTS + _component_name(pattern.fullmatch(value).group(1))
            elif key == "description" and isinstance(value, str):
                value = pattern.sub(lambda m: _component_name(m.group(1)), value)
            else:
                value = rewrite(value)
            result[key] = value
        return result

    document["description"] = (
        f"{document.get('description', '')} Published as the JSON Schema `sharing/schemas/shared-case-v1.json`"
        + (f" (`$id` {schema_id})" if schema_id else "")
        + "; partner systems can validate payloads against it."
    ).strip()
    components = {SHARED_CASE_COMPONENT: rewrite(document)}
    components.update({_component_name(name): rewrite(schema) for name, schema in definitions.items()})
    return components


def add_shared_case_components(result, generator, request, public):
    """Postprocessing hook: adds the exchange payload's components.

    It runs after drf-spectacular's enum hook, so that the published schema is embedded as it is
    rather than having its enums pulled out into shared components.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in shared_case_components().items():
        schemas.setdefault(name, schema)
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result
