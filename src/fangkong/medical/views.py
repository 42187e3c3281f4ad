"""Pages of the medical hand-off, the contacts and the home-quarantine documents: parse,
call one service or selector, render."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.permissions import require_any_perm, require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.checkpoints.models import Occupant
from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.conflicts import is_conflict
from fangkong.core.forms import add_errors
from fangkong.core.pagination import paginate, query_without_page
from fangkong.core.views import document_page
from fangkong.medical import documents, selectors, services
from fangkong.medical.contacts import contact_days, visible_ids
from fangkong.medical.forms import ContactDaysForm, HandoffForm, OutcomeForm
from fangkong.medical.models import CaseDocument, Handoff, Outcome
from fangkong.people import selectors as people_selectors
from fangkong.quarantine import selectors as quarantine_selectors
from fangkong.quarantine.models import Alert, CaseStatus, QuarantineCase

if TYPE_CHECKING:
    from fangkong.accounts.models import User

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Who is issued a hand-over's receipt (交接单): the two sides who sign it, the one handing
# over and the institution receiving — not whoever only reads hand-overs (the working group).
RECEIPT_PERMS = ("medical.handoff", "medical.receive")


def may_issue_receipt(user: Any) -> bool:
    return any(user_can(user, perm) for perm in RECEIPT_PERMS)


def _docx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


@require_perm("medical.view")
def handoff_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "awaiting")
    state = state if state in selectors.STATES else "awaiting"
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in Outcome.values else ""
    qs = selectors.handoff_list(user=request.user, state=state, outcome=outcome)
    can_hand = user_can(request.user, "medical.handoff")
    since = clock.today() - datetime.timedelta(days=contact_days())
    page = paginate(request, qs)
    selectors.show_subjects(user=request.user, handoffs=page)
    return render(
        request,
        "medical/handoff_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "state": state,
            "outcome": outcome,
            "outcomes": Outcome.choices,
            "can_hand": can_hand,
            "occupants": list(selectors.occupants_to_hand_over(user=request.user, since=since)[:20])
            if can_hand
            else [],
            "alerts": list(selectors.alerts_to_hand_over(user=request.user)[:20])
            if can_hand
            else [],
        },
    )


def _handoff_source(request: HttpRequest) -> dict[str, Any]:
    """The case and what it is handed over from: ?alert=, ?occupant= or ?case=."""
    user = request.user
    params = request.POST if request.method == "POST" else request.GET
    alert_id, occupant_id, case_id = (
        _int(params.get("alert")),
        _int(params.get("occupant")),
        _int(params.get("case")),
    )
    from fangkong.accounts.jurisdiction import get_in_scope

    if alert_id is not None:
        alert = get_in_scope(
            Alert.objects.select_related("case__person", "followup"), user, pk=alert_id
        )
        return {"case": alert.case, "alert": alert, "origin": Handoff.Origin.ALERT}
    if occupant_id is not None:
        occupant = get_in_scope(
            Occupant.objects.select_related("case__person", "passage__checkpoint"),
            user,
            pk=occupant_id,
        )
        if occupant.case is None:
            raise Http404
        return {"case": occupant.case, "occupant": occupant, "origin": Handoff.Origin.CHECKPOINT}
    if case_id is not None:
        case = quarantine_selectors.case_get(user=user, pk=case_id)
        origin = (
            Handoff.Origin.FOLLOWUP
            if case.status == CaseStatus.QUARANTINED
            else Handoff.Origin.CHECKPOINT
        )
        followup = case.followups.order_by("-visited_at").first()
        return {
            "case": case,
            "origin": origin,
            "followup": followup if origin == Handoff.Origin.FOLLOWUP else None,
        }
    raise Http404


@require_perm("medical.handoff")
def handoff_create(request: AuthedHttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    if not any(params.get(k) for k in ("alert", "occupant", "case")):
        # Opened without saying whom (a bookmark, a typed address): the list to choose from.
        messages.info(request, _("请从待移交列表、预警或隔离对象页面选择要移交的人员。"))
        return redirect("handoff_list")
    source = _handoff_source(request)
    case: QuarantineCase = source["case"]
    from fangkong.medical.reference import handoff_institution

    form = HandoffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handoff, created = services.handoff_create(
                by=request.user,
                reason=form.cleaned_data["reason"],
                **source,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("已移交%(inst)s，请打印交接单，双方签字。") % {"inst": handoff.institution},
                )
            elif source.get("occupant") is not None:
                # The occupant's own hand-over (per occupant): nothing of the case's others.
                messages.info(request, _("该人员已由本次通行登记移交医疗。"))
            else:
                messages.info(request, _("该对象已移交医疗，等待接收方反馈结果。"))
            return redirect("handoff_detail", pk=handoff.pk)
    return render(
        request,
        "medical/handoff_form.html",
        {
            "form": form,
            "case": case,
            "source": source,
            "subject": selectors.source_subject(
                user=request.user, case=case, occupant=source.get("occupant")
            ),
            "institution": handoff_institution(case=case, occupant=source.get("occupant")),
            "origin_label": Handoff.Origin(source["origin"]).label,
        },
        status=422 if request.method == "POST" else 200,
    )


@require_perm("medical.view")
def handoff_detail(request: HttpRequest, pk: int, form: OutcomeForm | None = None) -> HttpResponse:
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    can_receive = user_can(request.user, "medical.receive")
    if form is None:
        form = OutcomeForm(initial={"version": handoff.version})
    return render(
        request,
        "medical/handoff_detail.html",
        {
            "h": handoff,
            "subject": selectors.handoff_subject(user=request.user, handoff=handoff),
            "form": form,
            "can_receive": can_receive
            and (not handoff.outcome or handoff.outcome in ("suspected", "observation")),
            "can_receipt": may_issue_receipt(request.user),
            "can_contacts": user_can(request.user, "contacts.view")
            and user_can(request.user, "people.view")
            and bool(visible_ids(request.user, [handoff.person_id])),
        },
        status=422 if form.is_bound else 200,
    )


@require_POST
@require_perm("medical.view", "medical.receive")
def handoff_outcome(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            handoff = services.handoff_outcome(
                handoff=handoff,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            if is_conflict(exc):
                form = OutcomeForm(initial={"version": handoff.version})
                form.add_error(None, exc.messages)
                form.is_bound = True
            else:
                add_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记诊断结果：%(o)s") % {"o": handoff.get_outcome_display()},
            )
            if handoff.outcome in ("suspected", "confirmed") and user_can(
                request.user, "contacts.view"
            ):
                return redirect("person_contacts", pk=handoff.person_id)
            return redirect("handoff_detail", pk=pk)
    return handoff_detail(request, pk, form=form)


@require_any_perm(*RECEIPT_PERMS)  # each of them holds medical.view (accounts/roles.py)
def handoff_receipt(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    subject = selectors.handoff_subject(user=request.user, handoff=handoff)
    if request.method != "POST":
        return document_page(
            request,
            title=_("移交医疗交接单"),
            facts=[
                (_("编号"), handoff.number),
                # As the receipt says it: what the checkpoint recorded, to a checkpoint.
                (_("姓名"), subject.name),
                (_("接收医疗机构"), handoff.institution.name),
            ],
            back_url=reverse("handoff_detail", args=[pk]),
            back_label=_("移交医疗"),
        )
    data = documents.handoff_receipt(handoff, subject)
    audit_record(
        actor=request.user,
        action="export",
        obj=handoff,
        changes={"document": "移交医疗交接单", "rows": 1},
    )
    return _docx(data, f"移交医疗交接单-{handoff.number}.docx")


# ------------------------------------------------------------------------ contacts


def _days(request: HttpRequest) -> tuple[ContactDaysForm, int]:
    form = ContactDaysForm(request.GET or None)
    days = contact_days()
    if form.is_bound:
        if form.is_valid():
            days = form.cleaned_data["days"] or days
        else:
            for error in form.errors.get("days", []):
                messages.error(request, str(error))
            form = ContactDaysForm(initial={"days": days})
    else:
        form = ContactDaysForm(initial={"days": days})
    return form, days


@require_perm("people.view", "contacts.view")
def person_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    person = people_selectors.person_get(user=request.user, pk=pk)
    form, days = _days(request)
    rows = selectors.contact_rows(user=request.user, person=person, days=days)
    return render(
        request,
        "medical/person_contacts.html",
        {
            "person": person,
            "rows": rows,
            "form": form,
            "days": days,
            "to_refer": sum(1 for r in rows if not r.contact.referred),
            "can_refer": user_can(request.user, "contacts.refer"),
            "handoffs": list(selectors.person_handoffs(person)),
        },
    )


@require_POST
@require_perm("people.view", "contacts.refer")
def person_contacts_refer(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = people_selectors.person_get(user=request.user, pk=pk)
    _form, days = _days(request)
    rows = selectors.contact_rows(user=request.user, person=person, days=days)
    chosen = request.POST.get("contact")
    # One row by its opaque key (selectors.contact_key), or all of them.
    contacts = [r.contact for r in rows if not chosen or r.key == chosen]
    if chosen and not contacts:
        # A key no row of the list has (made up, or of a list that has changed): refused
        # naming the field, never read as "none to refer" (the seventh attack).
        messages.error(
            request, _("密切接触者：所选的人不在当前名单中，名单可能已变化，请刷新后重试")
        )
        return redirect(f"{reverse('person_contacts', args=[pk])}?days={days}")
    referred = services.contacts_refer(
        source=person,
        by=request.user,
        contacts=contacts,
    )
    if referred:
        messages.success(
            request,
            _("已将%(n)s名密切接触者转派出所核查（建档或并入已有对象）") % {"n": len(referred)},
        )
    else:
        messages.info(request, _("没有需要转核查的密切接触者"))
    return redirect(f"{reverse('person_contacts', args=[pk])}?days={days}")


@require_perm("people.view", "contacts.view")
def contact_chain(request: HttpRequest, pk: int) -> HttpResponse:
    person = people_selectors.person_get(user=request.user, pk=pk)
    _form, days = _days(request)
    graph = selectors.chain(user=request.user, person=person, days=days)
    return render(
        request,
        "medical/contact_chain.html",
        {
            "person": person,
            "days": days,
            "graph": {"nodes": graph.nodes, "links": graph.links},
            "counts": {
                level: sum(1 for n in graph.nodes if n["level"] == level) for level in (1, 2)
            },
        },
    )


@require_perm("contacts.view")
def contact_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in ("referred", "unreached") else ""
    qs = selectors.link_list(user=request.user, state=state)
    page = paginate(request, qs)
    selectors.show_links(user=request.user, links=page)
    return render(
        request,
        "medical/contact_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "state": state,
            "sources": list(selectors.sources_with_contacts(user=request.user)[:50]),
        },
    )


# ------------------------------------------------------------------------ documents


def _period(case: QuarantineCase) -> str:
    """The quarantine's days as the case page writes them: 2020-01-28 — 2020-02-11."""
    if not case.start_date:
        return ""
    end = f"{case.planned_end:%Y-%m-%d}" if case.planned_end else ""
    return f"{case.start_date:%Y-%m-%d} — {end}"


CASE_DOCUMENTS = {
    "notice": documents.home_quarantine_notice,
    "pledge": documents.home_quarantine_pledge,
}


@require_perm("quarantine.view", "quarantine.verify")
def case_document(request: AuthedHttpRequest, pk: int, kind: str) -> HttpResponse:
    case = quarantine_selectors.case_get(user=request.user, pk=pk)
    if kind not in CASE_DOCUMENTS:
        raise Http404
    user: User = request.user
    if request.method != "POST":
        return document_page(
            request,
            title=str(CaseDocument.Kind(kind).label),
            facts=[
                (_("姓名"), case.person.name),
                (_("隔离期间"), _period(case)),
                (_("出具单位"), case.station.name if case.station else case.bureau),
            ],
            back_url=reverse("case_detail", args=[pk]),
            back_label=case.person.name,
        )
    try:
        services.case_document_issue(case=case, kind=kind, by=user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("case_detail", pk=pk)
    label = CaseDocument.Kind(kind).label
    return _docx(CASE_DOCUMENTS[kind](case), f"{label}-{case.person.name}.docx")
