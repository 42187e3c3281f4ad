"""Checkpoint pages: registration (officer and public QR), lists, trajectories, roster,
on-duty board, hand counts, posters."""

from __future__ import annotations

import contextlib
import datetime
import json
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form, ModelChoiceField
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fangkong.accounts.exports import audited_xlsx
from fangkong.accounts.jurisdiction import area_choices, get_in_scope, unit_area
from fangkong.accounts.permissions import require_any_perm, require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.checkpoints import selectors, services
from fangkong.checkpoints.filters import PassageFilter
from fangkong.checkpoints.forms import (
    CheckpointForm,
    PassageFilterForm,
    PassageForm,
    ShiftForm,
    TallyForm,
    monday,
)
from fangkong.checkpoints.models import (
    VEHICLE_SEATS,
    Checkpoint,
    DutyShift,
    Occupant,
    SelfRegistration,
)
from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.bounds import day_param, moment_param
from fangkong.core.client_address import client_ip
from fangkong.core.clock import work_day, work_now
from fangkong.core.disclosure import audit_person_label
from fangkong.core.exports import Sheet, xlsx_response
from fangkong.core.filters import from_form
from fangkong.core.forms import field_of
from fangkong.core.idnumber import parse_id_number
from fangkong.core.masking import mask_name
from fangkong.core.middleware import says_nul_itself
from fangkong.core.pagination import paginate, query_without_page
from fangkong.core.ratelimit import rate_limited
from fangkong.core.scancodes import occupant_payload, release_genuine, scan_text
from fangkong.core.selectors import key_area_for
from fangkong.core.text import plain_text_error, typed
from fangkong.core.views import form_page, safe_next


def _qr_svg(text: str, scale: int = 6) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=scale, border=2)


def _rate_limited(request: HttpRequest, bucket: str, limit: int, seconds: int) -> bool:
    """Per client address, counted in the database so every gunicorn worker agrees."""
    return rate_limited(
        bucket=bucket, ident=client_ip(request) or "-", limit=limit, seconds=seconds
    )


# ---------------------------------------------------------------- registration


@require_perm("checkpoints.register")
def register(request: AuthedHttpRequest) -> HttpResponse:
    """The officer's main screen: one vehicle, its occupants, flags, decisions."""
    checkpoint = selectors.user_checkpoint(request.user)
    if checkpoint is None:
        # Not a refusal: the officer is simply not on any checkpoint's roster yet.
        return render(request, "checkpoints/no_post.html")
    shift = selectors.current_shift(checkpoint)
    reg: SelfRegistration | None = None
    if request.method == "POST":
        form = PassageForm.from_post(request.POST)
        if form.code:
            reg = _selfreg_for(request, form.code, checkpoint)
        action = request.POST.get("action", "check")
        if refused := PassageForm.repeated(request.POST):
            form.errors["__all__"] = [refused]
        elif action == "add":
            form.add_row()
        elif action in ("check", "save"):
            data = form.to_input(checkpoint)
            try:
                if action == "check" or not all(r.v("decision") for r in form.rows if r.v("name")):
                    assessed = services.passage_assess(data=data, require_temperature=True)
                    kept = [
                        r for r in form.rows if any(r.v(k) for k in ("name", "id_number", "phone"))
                    ]
                    for row, a in zip(kept, assessed.occupants, strict=True):
                        row.assessed = a
                        row.values["decision"] = row.v("decision") or a.recommended
                    form.rows = kept
                    if action == "check":
                        return _register_page(request, checkpoint, shift, form, reg, checked=True)
                services.passage_assess(data=data, require_temperature=True)
                if reg is not None:
                    passage = services.selfreg_confirm(reg=reg, data=data, by=request.user)
                else:
                    passage, _created = services.passage_register(data=data, by=request.user)
            except ValidationError as exc:
                form.add_validation_error(exc)
            else:
                messages.success(request, _("已登记"))
                return redirect("passage_detail", pk=passage.pk)
    else:
        code = request.GET.get("code", "").strip().upper()
        if code:
            reg = _selfreg_for(request, code, checkpoint)
            if reg is None:
                form = PassageForm()
                form.add_row()
                form.errors["code"] = [
                    _("登记码%(code)s不存在、已确认或已过期") % {"code": typed(code, 1)}
                ]
            else:
                services.selfreg_open(reg=reg, by=request.user)
                form = PassageForm.from_data(reg.data, code=reg.code)
        else:
            form = PassageForm()
            form.add_row()
    response = _register_page(request, checkpoint, shift, form, reg)
    if reg is not None or request.method == "POST" or request.GET:
        # The traveller's or the car's values in full: never kept by a browser or the
        # phone's offline copy (sw.js keeps only the bare page; docs/offline.md).
        response["Cache-Control"] = "no-store"
    return response


def _register_page(
    request: HttpRequest,
    checkpoint: Checkpoint,
    shift: DutyShift | None,
    form: PassageForm,
    reg: SelfRegistration | None,
    checked: bool = False,
) -> HttpResponse:
    return render(
        request,
        "checkpoints/register.html",
        {
            "checkpoint": checkpoint,
            # "In the county" offline is the checkpoint's county (org/places.py).
            "checkpoint_area": unit_area(checkpoint.unit),
            "shift": shift,
            "shift_label": checkpoint.shift_label(checkpoint.shift_at(clock.now())[1]),
            "form": form,
            "reg": reg,
            "checked": checked,
            "public": False,
            "seats_json": json.dumps(VEHICLE_SEATS),
            "clock_offset_ms": round(clock.ahead_of_machine().total_seconds() * 1000),
            "roster": selectors.own_roster(
                user=request.user, checkpoint=checkpoint, start=clock.today()
            ),
        },
    )


def _selfreg_for(
    request: HttpRequest, code: str, checkpoint: Checkpoint
) -> SelfRegistration | None:
    return (
        SelfRegistration.objects.filter(
            code=code.upper(),
            checkpoint=checkpoint,
            passage__isnull=True,
            expires_at__gt=clock.now(),
        )
        .select_related("checkpoint")
        .first()
    )


@require_POST
@require_perm("checkpoints.register")
def scan_check(request: AuthedHttpRequest) -> HttpResponse:
    """Whether a scanned release notice's code is one this server printed (its seal,
    core/scancodes.py). Asked by the register page's scanner when online; offline the page
    says the notice is unchecked. Nothing is looked up: no record is named or confirmed."""
    return JsonResponse({"genuine": release_genuine(request.POST.get("code", "")[:4000])})


@says_nul_itself
def check_id(request: AuthedHttpRequest) -> HttpResponse:
    """htmx: the ID number as typed, checked; an officer also gets what their checkpoint
    recorded of that number before (the name, and the phone for an empty field)."""
    officer = user_can(request.user, "checkpoints.register")
    if not officer and _rate_limited(request, "check-id", 120, 600):
        return HttpResponse(_("操作过于频繁，请稍后再试"), status=429)
    i = request.GET.get("i", "0")
    raw = ""
    for key in request.GET:
        if key.endswith("id_number"):
            raw = request.GET.get(key, "")
    context: dict[str, Any] = {"i": i if i.isdigit() else "0"}
    if any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
        # NUL anywhere (says_nul_itself): said as the ID check says every other refusal.
        context["error"] = plain_text_error("\x00", _("身份证号"))
    elif refused := plain_text_error(raw, _("身份证号")):
        context["error"] = refused
    elif len(raw.strip()) < 15:
        context["hint"] = _("已输入%(n)s位，共18位") % {"n": len(raw.strip())}
    else:
        try:
            parsed = parse_id_number(raw, field=_("身份证号"))
        except ValidationError as exc:
            context["error"] = exc.messages[0]
        else:
            context["parsed"] = parsed
            context["key_area"] = key_area_for(parsed.region_code, work_day())
            seen = None
            if officer and _seen_lookups_spent(request):
                context["seen_limited"] = True
            elif officer:
                seen = selectors.recorded_here(user=request.user, id_number=parsed.number)
            if seen is not None:
                context.update(_seen_before(request, seen, i))
    return render(request, "checkpoints/_id_check.html", context)


def _seen_lookups_spent(request: AuthedHttpRequest) -> bool:
    """Whether the officer has used up their look-ups of what their checkpoint recorded
    (FANGKONG_CHECK_ID_RATE in 10 minutes, per account): a typed number that hits fills in
    the name and phone, so unbounded look-ups would turn a masked number on the officer's
    own lists into the whole one by trying its hidden digits."""
    limit = int(settings.FANGKONG.get("CHECK_ID_RATE", 200))
    return limit > 0 and rate_limited(
        bucket="check-id-seen", ident=f"user:{request.user.pk}", limit=limit, seconds=600
    )


def _seen_before(request: AuthedHttpRequest, seen: Occupant, i: str) -> dict[str, str]:
    """What an officer typing an ID number is shown of the last time their own checkpoint
    registered it — never the person's record, which is the station's (a number typed
    opens nothing beyond the checkpoint's own registrations).

    With full access (people.reveal): the name, and the phone to fill an empty field,
    recorded in the audit trail as a reveal. Without it: the masked name only."""
    if not user_can(request.user, "people.reveal"):
        return {"known_name": mask_name(seen.name)}
    fill_name = "" if request.GET.get(f"occ-{i}-name") else seen.name
    fill_phone = "" if request.GET.get(f"occ-{i}-phone") else seen.phone
    audit_record(
        actor=request.user,
        action="reveal",
        object_type="people.person",
        object_id=str(seen.person_id),
        object_repr=audit_person_label(seen.name, seen.person_id),
        changes={
            "fields": ["name", *(["phone"] if fill_phone else [])],
            "purpose": "检查站登记核对身份证号（本站登记记录）",
            "occupant": seen.pk,
        },
    )
    return {"known_name": seen.name, "fill_name": fill_name, "fill_phone": fill_phone}


# ---------------------------------------------------------------- public QR


def public_register(request: HttpRequest, code: str) -> HttpResponse:
    """扫码自助登记: no login; shows only what this traveller typed."""
    checkpoint = get_object_or_404(Checkpoint, code=code)
    if _rate_limited(request, "qr-view", 300, 600):
        return HttpResponse(_("操作过于频繁，请稍后再试"), status=429)
    if request.method == "POST":
        form = PassageForm.from_post(request.POST)
        action = request.POST.get("action", "submit")
        if refused := PassageForm.repeated(request.POST):
            form.errors["__all__"] = [refused]
        elif action == "add":
            form.add_row()
        else:
            limit = int(settings.FANGKONG.get("SELFREG_RATE", 20))
            if _rate_limited(request, "qr-submit", limit, 3600):
                form.errors["__all__"] = [_("提交过于频繁，请稍后再试或请民警现场登记")]
            else:
                try:
                    reg = services.selfreg_submit(data=form.to_input(checkpoint, decisions=False))
                except ValidationError as exc:
                    form.add_validation_error(exc)
                else:
                    return redirect("public_receipt", token=reg.token)
    else:
        form = PassageForm()
        form.add_row()
    return render(
        request,
        "checkpoints/public_register.html",
        {"checkpoint": checkpoint, "form": form, "public": True},
    )


def public_receipt(request: HttpRequest, token: str) -> HttpResponse:
    reg = SelfRegistration.objects.filter(token=token).select_related("checkpoint").first()
    if reg is None or reg.expires_at <= clock.now():
        raise Http404
    text = receipt_scan_text(request, reg)
    return render(
        request,
        "checkpoints/public_receipt.html",
        {
            "reg": reg,
            "qr": _qr_svg(text, scale=4),
            "qr_text": text,
            "confirmed": reg.passage_id is not None,
        },
    )


def receipt_scan_text(request: HttpRequest, reg: SelfRegistration) -> str:
    """The receipt's QR: the officer's page for this code, the submission in its fragment
    (core/scancodes.py), so the officer's scanner needs no network."""
    body = reg.data
    payload = scan_text(
        {
            "k": "receipt",
            "c": reg.code,
            "p": body.get("plate", ""),
            "v": body.get("vehicle_type", ""),
            "d": body.get("direction", ""),
            "o": [occupant_payload(o) for o in body.get("occupants", [])],
        }
    )
    url = request.build_absolute_uri(reverse("checkpoint_register"))
    return f"{url}?code={reg.code}#{payload}"


# ---------------------------------------------------------------- passages


def _filter(request: HttpRequest) -> tuple[Form, PassageFilter]:
    form = PassageFilterForm(request.GET or None)
    area_choices(form, request.user)  # its county's townships and units, inside a city
    return form, from_form(PassageFilter, form)


@require_perm("checkpoints.passages")
def passage_list(request: AuthedHttpRequest) -> HttpResponseBase:
    form, f = _filter(request)
    field_of(form, "checkpoint", ModelChoiceField).queryset = selectors.checkpoint_list(
        user=request.user
    )
    if request.GET.get("format") == "xlsx":
        return _register_export(request, f)
    return render(
        request,
        "checkpoints/passage_list.html",
        {
            "form": form,
            "page": paginate(request, selectors.passage_list(user=request.user, f=f)),
            "query": query_without_page(request),
            "can_reveal": user_can(request.user, "people.reveal"),
        },
    )


def _register_export(request: AuthedHttpRequest, f: PassageFilter) -> FileResponse:
    """卡口登记台账: one row per person, masked; with full values (`full=1`) only for users
    who may reveal them, audited as a reveal with its row count."""
    reveal = request.GET.get("full") == "1"
    if reveal and not user_can(request.user, "people.reveal"):
        raise PermissionDenied
    rows = selectors.occupant_rows(user=request.user, f=f)
    day = f.day.isoformat() if f.day else work_day().isoformat()
    return audited_xlsx(
        user=request.user,
        filename=f"卡口登记台账-{day}.xlsx",
        sheets=[selectors.register_sheet(rows, reveal=reveal)],
        revealed=reveal,
        what=_("导出卡口登记台账"),
        object_type="checkpoints.passage",
        filters={"day": str(f.day or ""), "checkpoint": f.checkpoint, "q": f.q},
        fields=["name", "id_number", "phone"],
    )


@require_perm("checkpoints.passages")
def passage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from fangkong.people.selectors import visible_person_ids
    from fangkong.quarantine.selectors import visible_case_ids

    passage = selectors.passage_get(user=request.user, pk=pk)
    occupants = list(passage.occupants.all())
    return render(
        request,
        "checkpoints/passage_detail.html",
        {
            "passage": passage,
            "occupants": occupants,
            # A trajectory link carries the record's id: for those who may open it only.
            "seen": visible_person_ids(request.user, (o.person_id for o in occupants)),
            # A referral's case number, likewise (another county's case is not theirs).
            "seen_cases": visible_case_ids(request.user, (o.case_id for o in occupants)),
        },
    )


@require_perm("checkpoints.passages")
def person_trajectory(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a person was registered, within the user's jurisdiction over passages, by the
    person's record id: for whoever may open that record (people.view, in scope). Anyone
    else (a checkpoint) is handed no record id and follows a passage instead."""
    from fangkong.people.selectors import person_get

    if not user_can(request.user, "people.view"):
        raise Http404
    person = person_get(user=request.user, pk=pk)
    return _trajectory(request, person.pk, name=person.name, id_number=person.id_number)


@require_perm("checkpoints.passages")
def passage_trajectory(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """The trajectory of whoever sat in `position` of a passage the user may see: the
    checkpoint's road to it (the passage page's link), keyed by what it recorded rather
    than by a person's record id. Named as recorded there unless the user may open the
    record; shown masked like every trajectory."""
    from fangkong.people.selectors import visible_person_ids

    passage = selectors.passage_get(user=request.user, pk=pk)
    occupant = get_object_or_404(passage.occupants.select_related("person"), position=position)
    seen = visible_person_ids(request.user, [occupant.person_id])
    name = occupant.person.name if seen else occupant.name
    return _trajectory(request, occupant.person_id, name=name, id_number=occupant.person.id_number)


def _trajectory(
    request: HttpRequest, person_id: int, *, name: str, id_number: str | None
) -> HttpResponse:
    rows = list(selectors.person_trajectory(user=request.user, person_id=person_id))
    return render(
        request,
        "checkpoints/trajectory.html",
        {
            "person": True,
            "title_name": name,
            "title_id": id_number,
            "occupants": rows,
        },
    )


@require_perm("checkpoints.passages")
def plate_trajectory(request: HttpRequest, plate: str) -> HttpResponse:
    rows = selectors.plate_trajectory(user=request.user, plate=plate)
    return render(request, "checkpoints/trajectory.html", {"plate": plate, "passages": rows})


# ---------------------------------------------------------------- checkpoints, posters


@require_perm("checkpoints.view")
def checkpoint_list(request: HttpRequest) -> HttpResponse:
    today = work_day()
    checkpoints = list(selectors.checkpoint_list(user=request.user))
    counts = {
        r["checkpoint"]: r
        for r in selectors.counts_by(
            start=today, end=today, by=("checkpoint",), checkpoint_ids=[c.pk for c in checkpoints]
        )
    }
    rows = [(c, counts.get(c.pk, {})) for c in checkpoints]
    return render(
        request,
        "checkpoints/checkpoint_list.html",
        {
            "rows": rows,
            "today": today,
            "can_manage": user_can(request.user, "checkpoints.manage"),
            "can_passages": user_can(request.user, "checkpoints.passages"),
        },
    )


@require_perm("checkpoints.view", "checkpoints.manage")
def checkpoint_create(request: AuthedHttpRequest) -> HttpResponse:
    form = CheckpointForm(request.POST or None)
    area_choices(form, request.user)
    return form_page(
        request,
        form,
        save=lambda: services.checkpoint_create(by=request.user, **form.cleaned_data),
        done="checkpoint_list",
        message=lambda c: _("已新建检查站：%(c)s") % {"c": c},
        title=_("新建检查站"),
        back_url=reverse("checkpoint_list"),
        back_label=_("联合检查站"),
    )


@require_perm("checkpoints.view", "checkpoints.manage")
def checkpoint_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    checkpoint = get_in_scope(Checkpoint.objects.all(), request.user, pk=pk)
    form = CheckpointForm(
        request.POST or None,
        checkpoint=checkpoint,
        unit_fixed=not user_can(request.user, "org.jurisdiction"),
    )
    area_choices(form, request.user)
    return form_page(
        request,
        form,
        save=lambda: services.checkpoint_update(
            checkpoint=checkpoint,
            by=request.user,
            **form.cleaned_data,
        ),
        done="checkpoint_list",
        message=lambda c: _("已保存检查站：%(c)s") % {"c": c},
        title=_("修改检查站：%(c)s") % {"c": checkpoint.name},
        back_url=reverse("checkpoint_list"),
        back_label=_("联合检查站"),
    )


@require_perm("checkpoints.view")
def poster(request: HttpRequest, code: str) -> HttpResponse:
    checkpoint = get_in_scope(Checkpoint.objects.all(), request.user, code=code)
    url = request.build_absolute_uri(reverse("public_register", args=[checkpoint.code]))
    return render(
        request,
        "checkpoints/poster.html",
        {"checkpoint": checkpoint, "url": url, "qr": _qr_svg(url, scale=10)},
    )


# ---------------------------------------------------------------- roster


def _week(request: HttpRequest) -> datetime.date:
    try:
        day = day_param(request.GET.get("week")) or work_day()
    except ValidationError:
        day = work_day()
    return monday(day)


@require_perm("checkpoints.roster")
def roster_week(request: HttpRequest) -> HttpResponseBase:
    start = _week(request)
    if request.GET.get("format") == "xlsx":
        return _roster_export(request, start)
    checkpoints, days, grid = selectors.roster_week(user=request.user, start=start)
    table = [
        (
            cp,
            [(d, [grid[(cp.pk, d, s)] for s in range(len(cp.shift_starts))]) for d in days],
        )
        for cp in checkpoints
    ]
    return render(
        request,
        "checkpoints/roster_week.html",
        {
            "start": start,
            "days": days,
            "table": table,
            "prev": start - datetime.timedelta(days=7),
            "next": start + datetime.timedelta(days=7),
            "fatigue": selectors.fatigue_flags(min(days[-1], max(days[0], work_day()))),
        },
    )


def _roster_export(request: HttpRequest, start: datetime.date) -> FileResponse:
    rows = selectors.roster_rows(
        user=request.user, start=start, end=start + datetime.timedelta(days=6)
    )

    def cells():
        for a in rows:
            s = a.shift
            yield [
                a.day,
                s.checkpoint.name,
                s.label,
                a.officer.name,
                a.officer.badge_number,
                a.officer.get_kind_display(),
                a.officer.unit.name,
                "是" if s.leader_id == a.officer_id else "",
                "是" if a.officer.party_member else "",
                "是" if s.party_leader_id == a.officer_id else "",
            ]

    headers = [
        "日期",
        "检查站",
        "班次",
        "姓名",
        "警号",
        "类别",
        "单位",
        "带班负责人",
        "党员",
        "临时党小组组长",
    ]
    return xlsx_response(f"检查站排班-{start.isoformat()}.xlsx", [Sheet("排班", headers, cells())])


@require_POST
@require_perm("checkpoints.roster")
def roster_copy(request: AuthedHttpRequest) -> HttpResponse:
    start = _week(request)
    copied, refusals = services.roster_copy_week(week_start=start, by=request.user)
    messages.success(request, _("已复制%(n)s个班次到下一周") % {"n": copied})
    for msg in refusals[:10]:
        messages.warning(request, msg)
    return redirect(f"{reverse('roster_week')}?week={start + datetime.timedelta(days=7)}")


@require_perm("checkpoints.roster")
def shift_edit(request: AuthedHttpRequest, code: str, day: str, slot: int) -> HttpResponse:
    checkpoint = get_in_scope(Checkpoint.objects.all(), request.user, code=code)
    try:
        the_day = day_param(day)
    except ValidationError as exc:
        raise Http404 from exc
    if the_day is None:
        raise Http404
    if slot >= len(checkpoint.shift_starts):
        raise Http404
    shift = DutyShift.objects.filter(checkpoint=checkpoint, day=the_day, slot=slot).first()
    initial: dict[str, Any] = {}
    if shift is not None:
        initial = {
            "officers": [a.officer_id for a in shift.assignments.all()],
            "leader": shift.leader_id,
            "party_leader": shift.party_leader_id,
        }
    # The checkpoint's county's officers only (a city's roster group plans each county's).
    area = unit_area(checkpoint.unit)
    form = ShiftForm(request.POST or None, initial=initial)
    area_choices(form, request.user, area=area)
    tally = TallyForm(
        initial={
            "counted_vehicles": shift.counted_vehicles if shift else None,
            "counted_persons": shift.counted_persons if shift else None,
        }
    )
    if request.method == "POST" and form.is_valid():
        target = shift or services.shift_get_or_create(
            checkpoint=checkpoint, day=the_day, slot=slot
        )
        try:
            services.shift_assign(
                shift=target,
                officers=list(form.cleaned_data["officers"]),
                leader=form.cleaned_data["leader"],
                party_leader=form.cleaned_data["party_leader"],
                by=request.user,
            )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            messages.success(request, _("已保存排班"))
            return redirect(f"{reverse('roster_week')}?week={monday(the_day)}")
    if form.is_bound:
        chosen = {int(pk) for pk in request.POST.getlist("officers") if pk.isdigit()}
    else:
        chosen = set(initial.get("officers", []))
    picker = selectors.roster_picker(day=the_day, chosen=chosen, area=area)
    on_shift = [p.officer for g in picker for p in g.officers if p.chosen]
    named = str(form["party_leader"].value() or "")
    party_leader = next((o for o in on_shift if str(o.pk) == named), None)
    return render(
        request,
        "checkpoints/shift_edit.html",
        {
            "checkpoint": checkpoint,
            "day": the_day,
            "slot": slot,
            "label": checkpoint.shift_label(slot),
            "shift": shift,
            "form": form,
            "picker": picker,
            "chosen_count": len(on_shift),
            "warnings": selectors.shift_warnings(on_shift, party_leader),
            "tally": tally,
        },
    )


@require_POST
@require_any_perm("checkpoints.roster", "checkpoints.register")
def shift_tally(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The shift leader's hand count: the roster group, or a checkpoint officer of the shift."""
    shift = get_in_scope(DutyShift.objects.select_related("checkpoint"), request.user, pk=pk)
    form = TallyForm(request.POST)
    if form.is_valid():
        services.shift_tally(
            shift=shift,
            vehicles=form.cleaned_data["counted_vehicles"],
            persons=form.cleaned_data["counted_persons"],
            by=request.user,
        )
        messages.success(request, _("已录入人工清点数"))
    else:
        for msgs in form.errors.values():
            for m in msgs:
                messages.error(request, str(m))
    return redirect(safe_next(request, reverse("tally_list")))


@require_perm("checkpoints.view")
def tally_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.tally_rows(user=request.user, only_differing=request.GET.get("all") != "1")
    cp = (
        selectors.user_checkpoint(request.user)
        if user_can(request.user, "checkpoints.register")
        else None
    )
    shift = selectors.current_shift(cp) if cp else None
    return render(
        request,
        "checkpoints/tally_list.html",
        {
            "rows": rows,
            "shift": shift,
            "tally": TallyForm(),
            "all": request.GET.get("all") == "1",
            "can_passages": user_can(request.user, "checkpoints.passages"),
        },
    )


@require_perm("checkpoints.view")
def on_duty(request: HttpRequest) -> HttpResponse:
    """Every checkpoint and who holds it: now, at ?at=2020-02-03T10:00, or the whole roster
    of ?date=2020-02-01 (where the dashboard's figure for a past day leads)."""
    today = work_day()
    day: datetime.date | None = None
    at: datetime.datetime | None = None
    with contextlib.suppress(ValidationError):
        asked_day = day_param(request.GET.get("date"))
        day = min(asked_day, today) if asked_day else None
    if day is None:
        try:
            asked = moment_param(request.GET.get("at"))
        except ValidationError:
            asked = None
        if asked is None:
            at = work_now()
        else:
            at = asked if timezone.is_aware(asked) else timezone.make_aware(asked)
    rows = selectors.on_duty_board(user=request.user, at=at, day=day)
    on = day or timezone.localdate(at)
    tired = {f.officer.pk: f for f in selectors.fatigue_flags(on)}
    officers = {a.officer_id for r in rows for s in r.shifts for a in s.assignments.all()}
    return render(
        request,
        "checkpoints/on_duty.html",
        {
            "rows": rows,
            "tired": tired,
            "day": day,
            "now": timezone.localtime(at) if at else None,
            "officers": len(officers),
            "unstaffed": sum(1 for r in rows if not r.shifts),
        },
    )


# ---------------------------------------------------------------- bench


@csrf_exempt
def bench_constant(request: HttpRequest) -> JsonResponse:
    """The framework floor for bench/passages_bench.py (only with FANGKONG_BENCH=1)."""
    return JsonResponse({"ok": True, "items": [1, 2, 3]}, status=201)


@csrf_exempt
def bench_insert(request: HttpRequest) -> JsonResponse:
    """A bare view that inserts one row: the database floor for the benchmark."""
    from django.db import DatabaseError, connection

    # A table of its own: the floor must not touch the audit chain it is compared with.
    with connection.cursor() as cursor:
        key = "BIGSERIAL" if connection.vendor == "postgresql" else "INTEGER"
        # PostgreSQL: another worker may create it at the same moment.
        with contextlib.suppress(DatabaseError):
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS bench_floor (id {key} PRIMARY KEY, note TEXT)"
            )
        cursor.execute("INSERT INTO bench_floor (note) VALUES (%s)", ["bench"])
    return JsonResponse({"ok": True}, status=201)
