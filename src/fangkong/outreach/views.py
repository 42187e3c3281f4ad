from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.jurisdiction import Scope, area_choices, county_table, figures_scope
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.core.pagination import paginate, query_without_page
from fangkong.core.views import form_page
from fangkong.outreach import selectors, services
from fangkong.outreach.forms import (
    ActivityForm,
    CommandoTeamForm,
    MediaReportForm,
    NoticeForm,
    RoleModelForm,
    SelfMediaPostForm,
)
from fangkong.outreach.models import (
    Activity,
    MediaReport,
    Notice,
)


def _overview_row(scope: Scope) -> list[object]:
    o = selectors.overview(scope=scope)
    return [o["activities"]["pledge"], o["teams"], o["media"]["mainstream"], o["popular_posts"]]


@require_perm("outreach.view")
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "outreach/overview.html",
        {
            "o": selectors.overview(scope=figures_scope(request.user)),
            "by_county": county_table(
                request.user,
                [_("宣誓活动"), _("突击队"), _("中央、省、市级媒体报道"), _("热门自媒体作品")],
                _overview_row,
            ),
            "kinds": Activity.Kind.choices,
            "levels": MediaReport.Level.choices,
            "teams": selectors.team_list(request.user),
            "models": selectors.role_model_list(request.user)[:10],
        },
    )


@require_perm("outreach.view")
def activities(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in Activity.Kind.values else ""
    return render(
        request,
        "outreach/activities.html",
        {
            "page": paginate(request, selectors.activity_list(user=request.user, kind=kind)),
            "query": query_without_page(request),
            "kinds": Activity.Kind.choices,
            "kind": kind,
            "can_edit": user_can(request.user, "outreach.edit"),
        },
    )


def _simple_form(
    request: HttpRequest, form_class: Any, save: Any, done: str, title: str
) -> HttpResponse:
    form = form_class(request.POST or None)
    area_choices(form, request.user)  # a county's units and officers only, inside a city
    return form_page(
        request,
        form,
        save=lambda: save(form.cleaned_data),
        done=done,
        message=lambda obj: _("已保存：%(obj)s") % {"obj": obj},
        title=title,
        back_url=reverse(done),
        back_label=_("返回"),
    )


@require_perm("outreach.view", "outreach.edit")
def activity_create(request: AuthedHttpRequest) -> HttpResponse:
    return _simple_form(
        request,
        ActivityForm,
        lambda d: services.activity_record(by=request.user, **d),
        "outreach_activities",
        _("登记党建活动"),
    )


@require_perm("outreach.view")
def media(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", "")
    level = level if level in MediaReport.Level.values else ""
    return render(
        request,
        "outreach/media.html",
        {
            "page": paginate(request, selectors.media_list(user=request.user, level=level)),
            "query": query_without_page(request),
            "counts": selectors.media_counts(scope=figures_scope(request.user)),
            "levels": MediaReport.Level.choices,
            "level": level,
            "posts": selectors.post_list(request.user)[:20],
            "threshold": selectors.HIGH_INTERACTION,
            "can_edit": user_can(request.user, "outreach.edit"),
        },
    )


@require_perm("outreach.view", "outreach.edit")
def media_create(request: AuthedHttpRequest) -> HttpResponse:
    return _simple_form(
        request,
        MediaReportForm,
        lambda d: services.media_report_record(by=request.user, **d),
        "outreach_media",
        _("登记媒体报道"),
    )


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    can_publish = user_can(request.user, "notices.publish")
    return render(
        request,
        "outreach/notices.html",
        {
            "mine": selectors.notices_for(request.user),
            "sent": selectors.notice_list(request.user) if can_publish else None,
            "can_publish": can_publish,
        },
    )


@require_perm("notices.publish")
def notice_create(request: AuthedHttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST or None)
    area_choices(form, request.user)

    def save() -> Notice:
        d = form.cleaned_data
        return services.notice_publish(
            kind=d["kind"],
            title=d["title"],
            body=d["body"],
            to_all=d["to_all"],
            units=list(d["units"]),
            by=request.user,
        )

    return form_page(
        request,
        form,
        save=save,
        done=lambda notice: reverse("outreach_notice", args=[notice.pk]),
        message=lambda notice: _("已发布：%(n)s") % {"n": notice},
        title=_("发布通知"),
        back_url=reverse("outreach_notices"),
        back_label=_("返回"),
    )


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    can_publish = user_can(request.user, "notices.publish")
    notice, receipt = selectors.notice_get(user=request.user, pk=pk)
    context: dict[str, Any] = {"notice": notice, "receipt": receipt, "can_publish": can_publish}
    if can_publish:
        context["unread"] = selectors.receipts(notice, read=False)
        context["read"] = selectors.receipts(notice, read=True)
    return render(request, "outreach/notice_detail.html", context)


@require_POST
@login_required
def notice_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notice, _receipt = selectors.notice_get(user=request.user, pk=pk)
    try:
        services.notice_confirm(notice=notice, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已确认阅读"))
    return redirect("outreach_notice", pk=pk)


# ---------------------------------------------------------------- reference data
# Commando teams, role models and self-media posts: listed for outreach.view, created and
# edited by the political department (outreach.edit) through the services' create/update.


def _edit_form(
    request: HttpRequest, form: Any, save: Any, done: str, title: str, back_label: str
) -> HttpResponse:
    area_choices(form, request.user)  # a county's units and officers only, inside a city
    return form_page(
        request,
        form,
        save=lambda: save(form.cleaned_data),
        done=done,
        message=lambda obj: _("已保存：%(obj)s") % {"obj": obj},
        title=title,
        back_url=reverse(done),
        back_label=back_label,
    )


@require_perm("outreach.view")
def teams(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "outreach/teams.html",
        {
            "teams": selectors.team_list(request.user),
            "can_edit": user_can(request.user, "outreach.edit"),
        },
    )


@require_perm("outreach.view", "outreach.edit")
def team_create(request: AuthedHttpRequest) -> HttpResponse:
    return _edit_form(
        request,
        CommandoTeamForm(request.POST or None),
        lambda d: services.team_create(data=services.CommandoTeamInput(**d), by=request.user),
        "outreach_teams",
        _("组建突击队"),
        _("突击队"),
    )


@require_perm("outreach.view", "outreach.edit")
def team_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(selectors.team_list(request.user), pk=pk)
    return _edit_form(
        request,
        CommandoTeamForm(request.POST or None, instance=team),
        lambda d: services.team_update(
            team=team, data=services.CommandoTeamInput(**d), by=request.user
        ),
        "outreach_teams",
        _("修改突击队：%(t)s") % {"t": team.name},
        _("突击队"),
    )


@require_perm("outreach.view")
def role_models(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "outreach/role_models.html",
        {
            "page": paginate(request, selectors.role_model_list(request.user)),
            "query": query_without_page(request),
            "can_edit": user_can(request.user, "outreach.edit"),
        },
    )


@require_perm("outreach.view", "outreach.edit")
def role_model_create(request: AuthedHttpRequest) -> HttpResponse:
    return _edit_form(
        request,
        RoleModelForm(request.POST or None),
        lambda d: services.role_model_record(by=request.user, **d),
        "outreach_role_models",
        _("登记典型"),
        _("典型"),
    )


@require_perm("outreach.view", "outreach.edit")
def role_model_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    role_model = get_object_or_404(selectors.role_model_list(request.user), pk=pk)
    return _edit_form(
        request,
        RoleModelForm(request.POST or None, instance=role_model),
        lambda d: services.role_model_update(
            role_model=role_model,
            by=request.user,
            **d,
        ),
        "outreach_role_models",
        _("修改典型：%(t)s") % {"t": role_model.title},
        _("典型"),
    )


@require_perm("outreach.view")
def posts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "outreach/posts.html",
        {
            "page": paginate(request, selectors.post_list(request.user).order_by("-day", "-id")),
            "query": query_without_page(request),
            "threshold": selectors.HIGH_INTERACTION,
            "can_edit": user_can(request.user, "outreach.edit"),
        },
    )


@require_perm("outreach.view", "outreach.edit")
def post_create(request: AuthedHttpRequest) -> HttpResponse:
    return _edit_form(
        request,
        SelfMediaPostForm(request.POST or None),
        lambda d: services.post_record(by=request.user, **d),
        "outreach_posts",
        _("登记自媒体作品"),
        _("自媒体作品"),
    )


@require_perm("outreach.view", "outreach.edit")
def post_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(selectors.post_list(request.user), pk=pk)
    return _edit_form(
        request,
        SelfMediaPostForm(request.POST or None, instance=post),
        lambda d: services.post_update(post=post, by=request.user, **d),
        "outreach_posts",
        _("修改自媒体作品：%(t)s") % {"t": post.title},
        _("自媒体作品"),
    )
