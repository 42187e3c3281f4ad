from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.jurisdiction import area_choices
from fangkong.accounts.models import User
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.core.conflicts import is_conflict
from fangkong.core.filters import from_form
from fangkong.core.forms import add_errors
from fangkong.core.pagination import paginate, query_without_page
from fangkong.core.regions import region_name
from fangkong.people import dossier, merge, selectors, services
from fangkong.people.disclosure import person_shown
from fangkong.people.filters import PersonListFilter
from fangkong.people.forms import (
    PersonEditForm,
    PersonForm,
    PersonSearchForm,
    TransferDecideForm,
    TransferForm,
    person_form_values,
)
from fangkong.people.models import Person, TransferRequest


@require_perm("people.view")
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    area_choices(form, request.user)  # its county's townships and units, inside a city
    f = from_form(PersonListFilter, form)
    people = selectors.person_list(user=request.user, q=f.q, township_id=f.township_id)
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "page": paginate(request, people),
            "query": query_without_page(request),
            "can_edit": user_can(request.user, "people.edit"),
        },
    )


def _detail_context(request: HttpRequest, person: Person, *, revealed: bool = False) -> dict:
    """The person file's context. `revealed` only after the reveal was audited."""
    user = request.user
    can_edit = user_can(user, "people.edit")
    return {
        "person": person,
        "file": dossier.person_file(user=user, person=person),
        # Only after an audited reveal (person_reveal) are the full values shown.
        "shown": person_shown(person, revealed=revealed),
        "household_name": region_name(person.household_region),
        "can_reveal": user_can(user, "people.reveal"),
        "can_edit": can_edit,
        "can_passages": user_can(user, "checkpoints.passages"),
        "merges": (
            [(m, merge.merge_undoable(m)) for m in merge.merges_of(person=person)[:5]]
            if user_can(user, "people.merge")
            else []
        ),
        "transfers": (
            list(selectors.transfers_pending(user=user).filter(person=person)) if can_edit else []
        ),
    }


@require_perm("people.view")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    return render(request, "people/person_detail.html", _detail_context(request, person))


@require_POST
@require_perm("people.view", "people.reveal")
def person_reveal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    user: User = request.user
    services.person_reveal(person=person, by=user)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "people/_person_identity.html",
            {
                "person": person,
                "shown": person_shown(person, revealed=True),
                "can_reveal": True,
            },
        )
    return render(
        request, "people/person_detail.html", _detail_context(request, person, revealed=True)
    )


def _person_form_page(
    request: HttpRequest, form: PersonForm, person: Person | None, elsewhere: bool = False
) -> HttpResponse:
    """The person form; when the number typed is on file in another jurisdiction, with the
    offer to ask for a transfer (prefilled from what was typed, showing nothing of theirs)."""
    context: dict[str, object] = {"form": form, "person": person}
    if elsewhere:
        context["transfer_form"] = TransferForm(
            initial=TransferForm.initial_from(form), user=request.user
        )
    return render(request, "people/person_form.html", context)


@require_perm("people.view", "people.edit")
def person_create(request: AuthedHttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, user=request.user)
    elsewhere = False
    if request.method == "POST" and form.is_valid():
        try:
            person, created = services.person_register(data=form.to_input(), by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
            elsewhere = services.is_elsewhere(exc)
        else:
            if created:
                messages.success(request, _("已登记：%(name)s") % {"name": person.name})
            else:
                messages.info(
                    request, _("该人员已登记过，已更新其信息：%(name)s") % {"name": person.name}
                )
            return redirect("person_detail", pk=person.pk)
    return _person_form_page(request, form, None, elsewhere)


@require_perm("people.view", "people.edit", "people.reveal")
def person_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The edit form shows the full ID number, phone and address: every opening is recorded
    as a view of them, as 显示完整信息 is."""
    user: User = request.user
    person = selectors.person_get(user=user, pk=pk)
    elsewhere = False
    if request.method != "POST":
        services.person_reveal(person=person, by=user, purpose=_("修改人员信息"))
        form = PersonEditForm(person=person, user=user)
    else:
        form = PersonEditForm(request.POST, person=person, user=user)
        if form.is_valid():
            try:
                services.person_update(
                    person=person,
                    data=form.to_input(),
                    by=user,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                if not is_conflict(exc):
                    add_errors(form, exc)
                    elsewhere = services.is_elsewhere(exc)
                else:
                    # Drawn again from the person as saved by the other officer: their
                    # full values are shown anew, so seen anew.
                    person = selectors.person_get(user=user, pk=pk)
                    services.person_reveal(person=person, by=user, purpose=_("修改人员信息"))
                    form.add_error(
                        None,
                        form.refuse(
                            person,
                            person_form_values(person),
                            PersonEditForm(person=person, user=user),
                        ),
                    )
            else:
                messages.success(request, _("已保存"))
                return redirect("person_detail", pk=person.pk)
    return _person_form_page(request, form, person, elsewhere)


# --- Transfer requests (移交申请) ----------------------------------------------------------


@require_perm("people.view", "people.edit")
def transfer_list(request: AuthedHttpRequest) -> HttpResponse:
    """待我处理 (people in the user's charge others asked for) and 我发起的 (their own)."""
    user: User = request.user
    incoming = selectors.transfers_pending(user=user)
    mine = selectors.transfer_list(user=user).filter(
        Q(requested_by=user) | Q(requested_unit_id=user.unit_id, requested_unit__isnull=False)
    )
    decided = selectors.transfers_to_decide(user=user).exclude(
        status=TransferRequest.Status.PENDING
    )
    return render(
        request,
        "people/transfer_list.html",
        {"incoming": incoming, "mine": mine[:100], "decided": decided[:50]},
    )


@require_perm("people.view", "people.edit")
def transfer_create(request: AuthedHttpRequest) -> HttpResponse:
    form = TransferForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.transfer_request(data=form.to_input(), by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已提交移交申请，等待对方派出所处理"))
            return redirect("transfer_detail", pk=req.pk)
    return render(request, "people/transfer_form.html", {"form": form})


def _transfer_page(
    request: AuthedHttpRequest, req: TransferRequest, form: TransferDecideForm | None = None
) -> HttpResponse:
    user: User = request.user
    deciding = selectors.transfers_to_decide(user=user).filter(pk=req.pk).exists()
    return render(
        request,
        "people/transfer_detail.html",
        {
            "req": req,
            # The other side's unit; an officer's name only to their own unit's colleagues.
            "requester": selectors.transfer_party(user, req.requested_by, req.requested_unit),
            "decider": selectors.transfer_party(
                user, req.decided_by, req.decided_by.unit if req.decided_by else None
            ),
            # The person's record is shown to whoever is in charge of them now: the owner
            # deciding, or the requester once the person has moved to them.
            "in_charge": deciding,
            "can_decide": deciding and req.status == TransferRequest.Status.PENDING,
            "form": form or TransferDecideForm(),
        },
    )


@require_perm("people.view", "people.edit")
def transfer_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _transfer_page(request, selectors.transfer_get(user=request.user, pk=pk))


@require_POST
@require_perm("people.view", "people.edit")
def transfer_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    req = selectors.transfer_get_to_decide(user=request.user, pk=pk)
    form = TransferDecideForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_decide(
                request=req,
                by=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已处理移交申请"))
            return redirect("transfer_list")
    return _transfer_page(request, req, form)


# --- Duplicates and merges (疑似重复人员、合并) --------------------------------------------


@require_perm("people.view", "people.merge")
def duplicate_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "people/duplicate_list.html",
        {"pairs": merge.possible_duplicates(user=request.user), "limit": merge.QUEUE_SIZE},
    )


@require_perm("people.view", "people.merge")
def duplicate_compare(request: AuthedHttpRequest, first: int, second: int) -> HttpResponse:
    """Side by side, masked (core.disclosure); POST: merge (keep one) or 不是同一人."""
    user: User = request.user
    a, b = merge.pair_get(user=user, first=first, second=second)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "different":
                merge.not_duplicate_record(first=a, second=b, by=user)
                messages.success(request, _("已确认不是同一人，不再列入疑似重复"))
                return redirect("duplicate_list")
            keep_pk = request.POST.get("keep", "")
            if action != "merge" or keep_pk not in (str(a.pk), str(b.pk)):
                raise ValidationError(_("保留的记录：请选择合并后保留哪一条记录"))
            keep, remove = (a, b) if keep_pk == str(a.pk) else (b, a)
            merge.person_merge(
                keep=keep, remove=remove, by=user, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("已合并：保留 %(kept)s（编号%(pk)s），当日可撤销")
                % {"kept": keep.name, "pk": keep.pk},
            )
            return redirect("person_detail", pk=keep.pk)
    counts = merge.linked_counts([a, b])
    return render(
        request,
        "people/duplicate_compare.html",
        {
            "sides": [
                (p, person_shown(p), region_name(p.household_region), counts[p.pk]) for p in (a, b)
            ],
            "reason": request.GET.get("reason", "")[:60],
            "error": error,
        },
        status=422 if error else 200,
    )


@require_POST
@require_perm("people.view", "people.merge")
def merge_undo(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user: User = request.user
    record = merge.merge_get(user=user, pk=pk)
    try:
        restored = merge.person_merge_undo(merge=record, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("person_detail", pk=record.kept_person_id)
    messages.success(
        request,
        _("已撤销合并：%(name)s（编号%(pk)s）已恢复") % {"name": restored.name, "pk": restored.pk},
    )
    return redirect("person_detail", pk=restored.pk)
