from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangkong.core.conflicts import VersionedForm, shown
from fangkong.core.filters import filter_form
from fangkong.core.forms import NamedErrorsForm, field_of
from fangkong.org.models import Township, Village
from fangkong.people.filters import PersonListFilter
from fangkong.people.models import Person
from fangkong.people.ownership import townships_for
from fangkong.people.services import PersonInput, TransferInput, person_clean


class IdentityFields(NamedErrorsForm):
    """Who a person is: name and document, as the person form and a transfer request ask."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    doc_type = forms.ChoiceField(
        label=_("证件类型"), choices=Person.DocType.choices, initial=Person.DocType.ID_CARD
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
        help_text=_("18位，末位X可小写；15位旧号自动升级"),
    )
    doc_number = forms.CharField(
        label=_("证件号码"),
        required=False,
        max_length=40,
        help_text=_("证件类型不是居民身份证时填写"),
    )


class PersonForm(IdentityFields):
    phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    township = forms.ModelChoiceField(
        label=_("现住乡镇街道"),
        queryset=Township.objects.all(),
        required=False,
        empty_label=_("请选择"),
    )
    village = forms.ModelChoiceField(
        label=_("现住村居"),
        queryset=Village.objects.select_related("township"),
        required=False,
        empty_label=_("请选择"),
    )
    address_detail = forms.CharField(label=_("详细住址"), required=False, max_length=200)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            limit_places(self, user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.cleaned_values = person_clean(self.to_input())
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, msgs)
        return data

    def to_input(self) -> PersonInput:
        d = self.cleaned_data
        return PersonInput(
            name=d.get("name", ""),
            id_number=d.get("id_number", ""),
            doc_type=d.get("doc_type", Person.DocType.ID_CARD),
            doc_number=d.get("doc_number", ""),
            phone=d.get("phone", ""),
            township=d.get("township"),
            village=d.get("village"),
            address_detail=d.get("address_detail", ""),
            note=d.get("note", ""),
        )

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {
            "name": person.name,
            "doc_type": person.doc_type,
            "id_number": person.id_number or "",
            "doc_number": person.doc_number,
            "phone": person.phone,
            "township": person.township_id,
            "village": person.village_id,
            "address_detail": person.address_detail,
            "note": person.note,
        }


# What the edit page shows of a person: a save from a stale page is told what changed.
PERSON_SHOWN = [
    "name",
    "doc_type",
    "id_number",
    "doc_number",
    "phone",
    "township",
    "village",
    "address_detail",
    "note",
]


def person_form_values(person: Person) -> dict[str, str]:
    return shown(person, PERSON_SHOWN)


def limit_places(form: forms.Form, user: Any) -> None:
    """Offer only the townships (and their villages) the user may place people in: a
    station its own area, the command centre the county (people/ownership.py)."""
    townships = townships_for(user)
    field_of(form, "township", forms.ModelChoiceField).queryset = townships
    field_of(form, "village", forms.ModelChoiceField).queryset = Village.objects.select_related(
        "township"
    ).filter(township__in=townships)


class PersonEditForm(PersonForm, VersionedForm):
    """A person's details, edited; saved only if nobody saved them since the page was drawn."""

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(self.initial_for(person))
            self.stamp(person.version, person_form_values(person))


# The person list's form, from the one declaration (people/filters.py).
PersonSearchForm = filter_form(PersonListFilter, "PersonSearchForm")


class TransferForm(IdentityFields):
    """申请移交: the document of a person on file elsewhere, where they live now in the
    requester's area, and why. Offered on the person form when the number typed is
    registered in another jurisdiction (prefilled from what was typed there)."""

    # Carried over unseen when offered on the person form: the officer just typed them.
    IDENTITY = ("name", "doc_type", "id_number", "doc_number")

    township = forms.ModelChoiceField(
        label=_("现住乡镇街道"), queryset=Township.objects.all(), empty_label=_("请选择")
    )
    village = forms.ModelChoiceField(
        label=_("现住村居"),
        queryset=Village.objects.select_related("township"),
        required=False,
        empty_label=_("请选择"),
    )
    address_detail = forms.CharField(label=_("详细住址"), required=False, max_length=200)
    reason = forms.CharField(
        label=_("申请理由"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：本人已迁入本辖区居住。对方派出所同意后，该人员划入本辖区。"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_places(self, user)

    @classmethod
    def initial_from(cls, person_form: forms.Form) -> dict[str, Any]:
        """What the person form was sent, to ask for a transfer without typing it again
        (as typed: the fields the refusal names are no longer in its cleaned data)."""
        return {
            key: person_form.data.get(key)
            for key in ("name", "doc_type", "id_number", "doc_number", "township", "village",
                        "address_detail")
            if person_form.data.get(key)
        }  # fmt: skip

    def to_input(self) -> TransferInput:
        d = self.cleaned_data
        return TransferInput(
            name=d.get("name", ""),
            id_number=d.get("id_number", ""),
            doc_type=d.get("doc_type", Person.DocType.ID_CARD),
            doc_number=d.get("doc_number", ""),
            township=d.get("township"),
            village=d.get("village"),
            address_detail=d.get("address_detail", ""),
            reason=d.get("reason", ""),
        )


class TransferDecideForm(NamedErrorsForm):
    # Sent by one of the page's two buttons: any other value (a hand-made request) is told
    # which two there are, on the page (the seventh attack's low finding).
    decision = forms.ChoiceField(
        label=_("处理"),
        choices=[("accept", _("同意移交")), ("decline", _("不同意移交"))],
        error_messages={
            "required": _("处理：请选择“同意移交”或“不同意移交”"),
            "invalid_choice": _("处理：只能是“同意移交”或“不同意移交”"),
        },
    )
    # Addressed to the requesting unit, which reads it as written: the form says so, so
    # that nothing of people it may not see (the person's family, phone, address) is put in.
    reason = forms.CharField(
        label=_("处理意见（申请单位可见）"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "不同意时必填。申请单位会看到原文：只写同意或不同意的理由，"
            "不写其他人员的个人信息（如家属姓名、电话、住址）"
        ),
    )
