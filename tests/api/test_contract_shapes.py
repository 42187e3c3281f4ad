"""The API's contract in one place (core/api.py): a field's label read from its one home, a
write's body refusing what it does not declare, every refusal in its documented shape — a
sentence for 401, 403, 404, 413 and 429, the fields for 409 and 422."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

from fangkong.api import api
from fangkong.checkpoints.models import Occupant, Passage
from fangkong.core.api import FIELD_LABELS, label_fields
from fangkong.people.models import Person
from fangkong.quarantine.services import FOLLOWUP_PARTS


def test_labels_are_read_from_their_homes() -> None:
    # The same object, not a copy of its words: renaming the field renames the message.
    for name in ("checkpoint", "direction", "occurred_at", "plate", "vehicle_type"):
        assert FIELD_LABELS[name] is Passage._meta.get_field(name).verbose_name, name
    for name in ("name", "id_number", "phone"):
        assert FIELD_LABELS[name] is Person._meta.get_field(name).verbose_name, name
    assert FIELD_LABELS["occupants"] is Occupant._meta.verbose_name_plural
    assert FIELD_LABELS["at_home"] is FOLLOWUP_PARTS["at_home"]
    assert FIELD_LABELS["visited_at"] is FOLLOWUP_PARTS["visited_at"]


def test_one_name_has_one_label_across_the_api() -> None:
    label_fields(plate=gettext_lazy("车牌号"))  # the same words: the same label
    with pytest.raises(ImproperlyConfigured, match="plate"):
        label_fields(plate=gettext_lazy("号牌"))
    assert str(FIELD_LABELS["plate"]) == "车牌号"


def _schema(ref: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    name = ref["$ref"].rsplit("/", 1)[1]
    return schemas[name]  # type: ignore[no-any-return]


def _objects(schema: dict[str, Any], schemas: dict[str, Any], seen: set[str]) -> list[str]:
    """The names of the object schemas a body holds, itself and nested ones."""
    found = []
    for key in ("items", "anyOf", "allOf", "properties"):
        part = schema.get(key)
        parts = part.values() if isinstance(part, dict) and key == "properties" else part
        if isinstance(parts, dict):
            parts = [parts]
        for sub in parts or []:
            if "$ref" in sub:
                name = sub["$ref"].rsplit("/", 1)[1]
                if name not in seen:
                    seen.add(name)
                    found.append(name)
                    found += _objects(schemas[name], schemas, seen)
            else:
                found += _objects(sub, schemas, seen)
    return found


def test_every_json_body_refuses_fields_it_does_not_declare() -> None:
    schema = api.get_openapi_schema()
    schemas = schema["components"]["schemas"]
    bodies = []
    for _path, ops in schema["paths"].items():
        for _method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = {"anyOf": [content["application/json"]["schema"]]}
                bodies += _objects(body, schemas, set())
    assert {"PassageIn", "OccupantIn", "FollowUpIn"} <= set(bodies)
    assert sorted(n for n in bodies if schemas[n].get("additionalProperties") is not False) == []


def test_every_refusal_has_its_documented_shape() -> None:
    schema = api.get_openapi_schema()
    schemas = schema["components"]["schemas"]
    shapes: dict[str, set[str]] = {}
    for ops in schema["paths"].values():
        for op in ops.values():
            for status, answer in op.get("responses", {}).items():
                if int(status) < 400:
                    continue
                body = _schema(answer["content"]["application/json"]["schema"], schemas)
                detail = body["properties"]["detail"]
                shapes.setdefault(str(status), set()).add(detail.get("type", ""))
    assert shapes["403"] == {"string"} and shapes["401"] == {"string"}
    assert shapes["404"] == {"string"}
    assert shapes["422"] == {"array"} and shapes["409"] == {"array"}
