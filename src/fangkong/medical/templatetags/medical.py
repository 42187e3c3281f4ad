"""Panels of the medical hand-off on pages other apps own: the case page (移交医疗, the
home-quarantine documents) and the person file (hand-offs, contacts, documents issued)."""

from __future__ import annotations

from typing import Any

from django import template

from fangkong.accounts.roles import user_can
from fangkong.medical import selectors
from fangkong.medical.models import CaseDocument
from fangkong.quarantine.models import CaseStatus, QuarantineCase

register = template.Library()


@register.inclusion_tag("medical/_case_medical.html", takes_context=True)
def case_medical(context: dict[str, Any], case: QuarantineCase) -> dict[str, Any]:
    user = context["request"].user
    handoffs = list(selectors.person_handoffs(case.person).filter(case=case))
    return {
        "case": case,
        "handoffs": handoffs,
        "can_hand": user_can(user, "medical.handoff")
        and case.is_open
        and not any(not h.outcome for h in handoffs),
        "can_documents": user_can(user, "quarantine.verify")
        and (case.status == CaseStatus.QUARANTINED or case.start_date is not None),
        "documents": list(case.medical_documents.select_related("issued_by")[:10]),
        "kinds": CaseDocument.Kind.choices,
    }


@register.inclusion_tag("medical/_person_medical_panel.html", takes_context=True)
def person_medical(context: dict[str, Any], person: Any) -> dict[str, Any]:
    user = context["request"].user
    can_contacts = user_can(user, "contacts.view")
    return {
        "person": person,
        "handoffs": list(selectors.person_handoffs(person)[:20])
        if user_can(user, "medical.view") or user_can(user, "quarantine.view")
        else [],
        "documents": list(selectors.documents_of(person)[:20])
        if user_can(user, "quarantine.view")
        else [],
        "contacts": selectors.contact_rows(user=user, person=person) if can_contacts else [],
        "can_contacts": can_contacts,
        "can_print": user_can(user, "quarantine.verify"),
    }
