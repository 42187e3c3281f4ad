"""API of pushed-list imports: upload a list (multipart), then read its progress and report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import ValidationError as FormValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.core.api import errors, label_fields, page_slice, refuse_unknown_parts
from fangkong.core.bounds import Id
from fangkong.core.filters import Paged, filter_schema, from_query
from fangkong.quarantine.imports import selectors, services
from fangkong.quarantine.imports.filters import EntryFilter
from fangkong.quarantine.imports.forms import check_upload
from fangkong.quarantine.imports.reading import ImportFileError
from fangkong.quarantine.models import ListImport

router = Router(tags=["imports"])


class EntryOut(Schema):
    row: int
    name: str
    outcome: str
    outcome_display: str
    level: str
    messages: dict[str, list[str]]


class ReportPage(Schema):
    items: list[EntryOut]
    count: int


class ImportStatus(Schema):
    id: int
    status: str
    status_display: str


class ImportCreated(ImportStatus):
    url: str


class ImportOut(ImportStatus):
    file: str
    dry_run: bool
    all_or_nothing: bool
    done_rows: int
    total_rows: int
    counts: dict[str, int]
    message: str
    report: ReportPage


def _status(li: ListImport) -> dict[str, Any]:
    """What every answer about an import says of its state (ImportStatus)."""
    return {"id": li.pk, "status": li.status, "status_display": li.get_status_display()}


if TYPE_CHECKING:
    ReportFilter = Paged
else:
    ReportFilter = filter_schema(EntryFilter, "ReportFilter", limit=100)


# An upload's parts (multipart) and the import's number in its address.
label_fields(
    file=gettext_lazy("文件"),
    all_or_nothing=gettext_lazy("全部成功才导入"),
    dry_run=gettext_lazy("只检查不导入"),
    import_id=gettext_lazy("导入编号"),
)


def _require(request: HttpRequest) -> None:
    if not user_can(request.user, "quarantine.import"):
        raise PermissionDenied


@router.post(
    "/imports/returnees",
    response={202: ImportCreated, **errors(401, 403, 422)},
    summary="上传返乡人员名单（multipart：file，可选 all_or_nothing、dry_run），返回导入编号",
)
def create_import(
    request: AuthedHttpRequest,
    file: File[UploadedFile],
    all_or_nothing: Form[bool] = False,
    dry_run: Form[bool] = False,
) -> Status[ImportCreated]:
    _require(request)
    refuse_unknown_parts(request, "file", "all_or_nothing", "dry_run")
    try:
        check_upload(file)
        li = services.list_import_start(
            upload=file,
            name=file.name or "list",
            by=request.user,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
        )
    except (ImportFileError, FormValidationError) as exc:
        message = exc.messages[0] if isinstance(exc, FormValidationError) else str(exc)
        raise ValidationError({"file": [message]}) from None
    return Status(202, ImportCreated(**_status(li), url=f"/api/v1/imports/{li.pk}"))


@router.get(
    "/imports/{import_id}",
    response={200: ImportOut, **errors(401, 403, 404, 422)},
    summary="导入状态、进度和逐行报告",
)
def get_import(request: HttpRequest, import_id: Id, filters: Query[ReportFilter]) -> ImportOut:
    _require(request)
    li: ListImport = selectors.import_get(user=request.user, pk=import_id)
    entries = selectors.import_entries(list_import=li, f=from_query(EntryFilter, filters))
    return ImportOut(
        **_status(li),
        file=li.original_name,
        dry_run=li.dry_run,
        all_or_nothing=li.all_or_nothing,
        done_rows=li.done_rows,
        total_rows=li.total_rows,
        counts=li.counts,
        message=li.message,
        report=ReportPage(
            items=[_entry(e) for e in entries[page_slice(filters.limit, filters.offset)]],
            count=entries.count(),
        ),
    )


def _entry(e: Any) -> EntryOut:
    return EntryOut(
        row=e.row_number,
        name=e.name,
        outcome=e.outcome,
        outcome_display=e.get_outcome_display(),
        level=e.level,
        messages=e.messages,
    )
