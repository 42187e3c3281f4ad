"""One declaration of a list's filters serves its page, its API and its export (NetBox's
filtersets): the values a selector filters by are a dataclass whose fields each say how
the page asks for them (a form field, named by the page's query parameter) and how the API
does (a query parameter's name and type). From it come the page's form (`filter_form`),
the API's query schema (`filter_schema`), and the values from either (`from_form`,
`from_query`), so the three can no longer drift apart.

    @dataclass
    class CaseFilter:
        q: str = by("", form=lambda: forms.CharField(...), api=Short)
        township_id: int | None = by(None, page="township", form=..., value=pk, api=Id | None)

Bad input is said as each face says it: the page's form shows its field's error (in
Chinese, beside the field) and filters by nothing it could not read; the API answers 422
naming the parameter (fangkong/api.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import AfterValidator, create_model
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from fangkong.core.api import FIELD_LABELS, label_fields
from fangkong.core.bounds import Limit, Offset, Short
from fangkong.core.forms import DayField, NamedErrorsForm
from fangkong.core.text import check_plain_text, hidden_char, shown_char

T = TypeVar("T")

_KEY = "fangkong.filter"


def _same(value: Any) -> Any:
    return value


@dataclasses.dataclass(frozen=True)
class Face:
    """How one filter is asked for: on the page (`page`, a form field) and in the API
    (`api_name`, of type `api`). `value` turns the form's cleaned value into the filter's,
    `api_value` the API's (None: the API view supplies it itself, as when a code must be
    looked up for the user)."""

    form: Callable[[], forms.Field] | None
    page: str
    api: Any
    api_name: str
    api_default: Any
    value: Callable[[Any], Any]
    api_value: Callable[[Any], Any] | None
    # How the API's messages name the parameter, when not as the page's field does.
    api_label: Any = None


_NOT_IN_API = object()


def by(
    default: Any,
    *,
    form: Callable[[], forms.Field] | None = None,
    page: str = "",
    value: Callable[[Any], Any] = _same,
    api: Any = _NOT_IN_API,
    api_name: str = "",
    api_default: Any = dataclasses.MISSING,
    api_value: Callable[[Any], Any] | None = _same,
    api_label: Any = None,
) -> Any:
    """A filter's field: its default (no filtering) and how page and API ask for it; the
    API's messages name it by the page's label unless `api_label` says otherwise."""
    face = Face(
        form=form,
        page=page,
        api=None if api is _NOT_IN_API else api,
        api_name=api_name,
        api_default=default if api_default is dataclasses.MISSING else api_default,
        value=value,
        api_value=api_value,
        api_label=api_label,
    )
    return dataclasses.field(default=default, metadata={_KEY: face})


def _faces(cls: type[Any]) -> list[tuple[str, Face]]:
    found = []
    for f in dataclasses.fields(cls):
        face = f.metadata.get(_KEY)
        if face is None:
            raise TypeError(f"{cls.__name__}.{f.name}: declared without by()")
        found.append((f.name, face))
    return found


def filter_form(cls: type[Any], name: str = "") -> type[forms.Form]:
    """The page's filter form: one field per filter the page asks for, named by its query
    parameter, in the declaration's order; its errors name their field ("日期格式不正确")."""
    fields = {face.page or attr: face.form() for attr, face in _faces(cls) if face.form is not None}
    return type(name or f"{cls.__name__}Form", (NamedErrorsForm,), fields)


class Paged(Schema):
    """A list's page in the API (the schemas bound both: core/bounds.py)."""

    limit: Limit = 50
    offset: Offset = 0

    if TYPE_CHECKING:
        # The filters' parameters, built from their declaration (filter_schema).
        def __getattr__(self, name: str) -> Any: ...


def filter_schema(cls: type[Any], name: str, *, limit: int = 50) -> type[Paged]:
    """The API's query: one parameter per filter the API asks for, then limit (`limit` rows
    unless asked) and offset."""
    fields: dict[str, Any] = {}
    labels: dict[str, Any] = {}
    for attr, face in _faces(cls):
        if face.api is not None:
            fields[face.api_name or attr] = (face.api, face.api_default)
            label = face.api_label or (face.form().label if face.form is not None else None)
            if label is not None:
                labels[face.api_name or attr] = label
    label_fields(**labels)  # the API's messages name each parameter as the page's form does
    fields["limit"] = (Limit, limit)
    fields["offset"] = (Offset, 0)
    # Built on Schema, not Paged, so that limit and offset stay the last parameters; it
    # has Paged's fields all the same.
    return cast(type[Paged], create_model(name, __base__=Schema, **fields))


def from_form(cls: type[T], form: forms.Form) -> T:
    """The filter a page's form asks for: nothing filtered unless the form is valid (its
    errors are shown beside the fields)."""
    if not form.is_bound or not form.is_valid():
        return cls()
    values = {}
    for attr, face in _faces(cls):
        if face.form is not None:
            raw = form.cleaned_data.get(face.page or attr)
            values[attr] = face.value(raw)
    return cls(**values)


def from_query(cls: type[T], query: Any, **given: Any) -> T:
    """The filter an API query asks for; `given` are the values the view looks up itself."""
    values = dict(given)
    for attr, face in _faces(cls):
        if face.api is not None and face.api_value is not None:
            values[attr] = face.api_value(getattr(query, face.api_name or attr))
    return cls(**values)


def list_url(route: str, declared: type[Any] | None = None, /, **values: Any) -> str:
    """A link to the list page `route` showing the rows `values` pick (a dashboard figure's
    "these rows"). With `declared`, the list's filter declaration, each value is named by
    its filter and written under the page's own query parameter, as its form reads it: a
    filter the declaration lacks (renamed, removed, or never on the page) is a TypeError, so
    the link breaks in the tests, not on the dashboard. A list whose page reads its filters
    with a plain form (no declaration: it has no API face) gives that form's class: each
    value is named by the form's field, checked the same way. A list that reads its
    parameters by hand gives none; they are written as its view reads them. Nothing is
    written for None, "" or False; True is "1", a day its ISO date, a record its id."""
    if declared is not None and issubclass(declared, forms.Form):
        pages = {name: name for name in declared.base_fields}
    else:
        faces = _faces(declared) if declared is not None else []
        pages = {attr: face.page or attr for attr, face in faces if face.form is not None}
    query: dict[str, str] = {}
    for name, value in values.items():
        if declared is not None:
            if name not in pages:
                raise TypeError(f"{declared.__name__}: no filter {name!r} on the page")
            name = pages[name]
        if value is None or value == "" or value is False:
            continue
        if value is True:
            query[name] = "1"
        elif hasattr(value, "isoformat"):
            query[name] = value.isoformat()
        elif hasattr(value, "pk"):
            query[name] = str(value.pk)
        else:
            query[name] = str(value)
    return reverse(route) + (f"?{urlencode(query)}" if query else "")


def _no_hidden_character(value: str) -> str:
    bad = hidden_char(value)
    if bad is not None:
        raise PydanticCustomError(
            "hidden_character", "含有非法字符“{char}”", {"char": shown_char(bad)}
        )
    return value


# A search term of the API: a hidden character (U+202E, a zero-width space) is refused as a
# NUL is (422 naming 查询), never searched for — a list answered for "‮韦" matched nothing
# the client could see it asked for (the seventh attack).
SearchTerm = Annotated[Short, AfterValidator(_no_hidden_character)]


def search(
    placeholder: Any, *, in_api: bool = True, input_type: str = "", max_length: int = 60
) -> Any:
    """A list's search box `q`: at most `max_length` characters, on the page and (`in_api`)
    in the API, which cuts a longer term rather than refuse it."""
    attrs = {"placeholder": placeholder, **({"type": input_type} if input_type else {})}

    def field() -> forms.Field:
        return forms.CharField(
            label=_("查找"),
            required=False,
            max_length=max_length,
            widget=forms.TextInput(attrs=attrs),
            validators=[check_plain_text],  # a hidden character, as the API's SearchTerm
        )

    if not in_api:
        return by("", form=field, value=text)
    return by(
        "",
        form=field,
        value=text,
        api=SearchTerm,
        api_value=lambda q: q[:max_length],
        api_label=FIELD_LABELS["q"],
    )


EVERYTHING = _("全部")


def choice(
    label: StrOrPromise,
    choices: Sequence[tuple[str, Any]],
    *,
    everything: StrOrPromise = EVERYTHING,
    **faces: Any,
) -> Any:
    """A filter by one of `choices` ("" — `everything` on the page — for all)."""

    def field() -> forms.Field:
        return forms.ChoiceField(label=label, required=False, choices=[("", everything), *choices])

    return by("", form=field, value=text, **faces)


def day(label: StrOrPromise) -> forms.Field:
    """A filter's day (a date picker on the page)."""
    return DayField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def pk(obj: Any) -> int | None:
    """A model choice as its id (the selectors filter by ids)."""
    return obj.pk if obj is not None else None


def text(value: Any) -> str:
    return value or ""


def flag(value: Any) -> bool:
    return bool(value)
