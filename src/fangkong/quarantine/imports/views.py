"""Pages of pushed-list imports: upload, progress, report, column mapping, possible
duplicates and the queue of cases no station answers for yet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.exports import audited_xlsx
from fangkong.accounts.jurisdiction import restrict, scope_for
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.core import clock
from fangkong.core.exports import Sheet, xlsx_response
from fangkong.core.filters import from_form
from fangkong.core.pagination import paginate, query_without_page
from fangkong.org.areas import is_multi_county
from fangkong.org.models import Township
from fangkong.quarantine.imports import selectors, services
from fangkong.quarantine.imports.filters import EntryFilter
from fangkong.quarantine.imports.forms import EntryFilterForm, MappingForm, RouteForm, UploadForm
from fangkong.quarantine.imports.layout import FIELD_LABELS, template_rows
from fangkong.quarantine.imports.reading import ImportFileError
from fangkong.quarantine.models import ListImport, QuarantineCase
from fangkong.quarantine.selectors import visible_case_ids

PERM = "quarantine.import"


@require_perm(PERM)
def import_list(request: HttpRequest) -> HttpResponse:
    form = UploadForm()
    return render(
        request,
        "quarantine/imports/import_list.html",
        {
            "form": form,
            "page": paginate(request, selectors.import_list(user=request.user), per_page=20),
            "query": query_without_page(request),
            # A county of a city: the rows of the city's lists routed to it.
            "routed": bool(scope_for(request.user).area),
        },
    )


@require_perm(PERM)
def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            li = services.list_import_start(
                upload=upload,
                name=upload.name,
                by=request.user,
                dry_run=form.cleaned_data["dry_run"],
                all_or_nothing=form.cleaned_data["all_or_nothing"],
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if li.status == ListImport.Status.MAPPING:
                messages.warning(request, _("未能识别全部表头，请指定各列对应的内容"))
                return redirect("import_mapping", pk=li.pk)
            messages.success(request, _("已上传，正在后台导入；可关闭本页，稍后再查看结果"))
            return redirect("import_detail", pk=li.pk)
    return render(request, "quarantine/imports/import_upload.html", {"form": form})


@require_perm(PERM)
def import_template(request: HttpRequest) -> HttpResponseBase:
    headers, rows = template_rows()
    return xlsx_response("返乡人员名单模板.xlsx", [Sheet("名单", headers, rows)])


def _detail_context(request: HttpRequest, li: ListImport) -> dict[str, Any]:
    f = from_form(EntryFilter, EntryFilterForm(request.GET or None))
    return {
        "li": li,
        "problems_only": f.problems_only,
        "page": paginate(request, selectors.import_entries(list_import=li, f=f)),
        "query": query_without_page(request),
        "labels": FIELD_LABELS,
    }


@require_perm(PERM)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    li = selectors.import_get(user=request.user, pk=pk)
    return render(request, "quarantine/imports/import_detail.html", _detail_context(request, li))


@require_perm(PERM)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx while the import runs; when it ends the page reloads with the report."""
    li = selectors.import_get(user=request.user, pk=pk)
    response = render(request, "quarantine/imports/_progress.html", {"li": li})
    if not li.is_active and request.GET.get("was_active") == "1":
        response["HX-Refresh"] = "true"
    return response


@require_perm(PERM, "people.reveal")
def import_report(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    """The original rows with the result and the problems of each, as .xlsx: the list's own
    full ID numbers, phones and addresses, so only for users who may reveal them, and
    audited as a reveal with its row count."""
    li = selectors.import_get(user=request.user, pk=pk)
    stamp = clock.now().strftime("%Y%m%d%H%M")
    return audited_xlsx(
        user=request.user,
        filename=f"导入报告-{li.pk}-{stamp}.xlsx",
        sheets=[selectors.import_report_sheet(li)],
        revealed=True,
        what=_("下载名单导入报告：%(name)s") % {"name": li.original_name},
        object_type="quarantine.listimport",
        filters={"list_import": li.pk},
        fields=selectors.REPORT_FIELDS,
    )


@require_perm(PERM)
def import_mapping(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    li = selectors.import_get(user=request.user, pk=pk)
    if li.status != ListImport.Status.MAPPING:
        return redirect("import_detail", pk=li.pk)
    form = MappingForm(request.POST or None, headers=li.headers, mapping=li.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            services.list_import_set_mapping(
                list_import=li,
                mapping=form.mapping(),
                by=request.user,
            )
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(request, _("已指定各列，正在后台导入"))
            return redirect("import_detail", pk=li.pk)
    return render(request, "quarantine/imports/import_mapping.html", {"li": li, "form": form})


@require_perm(PERM)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    # Only those whose person on file the user is in charge of (PossibleDuplicate's
    # jurisdiction): each shown with the person, to decide.
    page = paginate(request, selectors.duplicate_list(user=request.user))
    return render(
        request,
        "quarantine/imports/duplicate_list.html",
        {"page": page, "query": query_without_page(request)},
    )


@require_POST
@require_perm(PERM)
def duplicate_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    dup = selectors.duplicate_get_to_decide(user=request.user, pk=pk)
    same = request.POST.get("decision") == "same"
    try:
        services.duplicate_decide(duplicate=dup, same=same, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            _("已确认为同一人，并入其档案") if same else _("已确认不是同一人，已新建档案"),
        )
    return redirect("import_duplicates")


@require_perm(PERM)
def unrouted_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    townships = Township.objects.all()
    if scope.area:  # a county of a city: its own townships
        townships = townships.filter(code__startswith=scope.area)
    return render(
        request,
        "quarantine/imports/unrouted_list.html",
        {
            "page": paginate(request, selectors.unrouted_cases(user=request.user)),
            "query": query_without_page(request),
            "townships": list(townships),
            "city_queue": scope.county and is_multi_county(),
        },
    )


@require_perm(PERM)
def routed_list(request: HttpRequest) -> HttpResponse:
    """The rows of the city's pushed lists routed to the user's county, each with its
    per-row report (issue 18 item 4). A row links to its case only for who may open it:
    the id of another jurisdiction's case is the key to the person's record."""
    page = paginate(request, selectors.routed_entries(user=request.user))
    return render(
        request,
        "quarantine/imports/routed_list.html",
        {
            "page": page,
            "openable": visible_case_ids(request.user, [e.case_id for e in page]),
            "query": query_without_page(request),
        },
    )


@require_POST
@require_perm(PERM)
def case_route(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        case = selectors.unrouted_cases(user=request.user).get(pk=pk)
    except (QuarantineCase.DoesNotExist, ValueError):
        # Routed meanwhile, and still the user's to see: say so. Anything else (missing,
        # or outside the user's jurisdiction) answers like a missing id.
        if not restrict(QuarantineCase.objects.filter(pk=pk), request.user).exists():
            raise Http404 from None
        messages.error(request, _("该对象已分配或不在您的管辖范围内"))
        return redirect("import_unrouted")
    form = RouteForm(request.POST)
    if form.is_valid():
        try:
            services.case_route(
                case=case,
                township=form.cleaned_data["township"],
                village=form.cleaned_data["village"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request,
                _("已将%(name)s分配到%(township)s")
                % {"name": case.person.name, "township": form.cleaned_data["township"].name},
            )
    else:
        messages.error(request, "；".join(str(m) for ms in form.errors.values() for m in ms))
    return redirect("import_unrouted")
