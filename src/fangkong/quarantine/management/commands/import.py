"""`fangkong import returnees FILE [--dry-run] [--all-or-nothing] [--report FILE.xlsx]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fangkong.accounts.exports import write_audited_xlsx
from fangkong.quarantine.imports import (
    FIELD_LABELS,
    ImportFileError,
    list_import_create,
    list_import_layout,
    list_import_run,
)
from fangkong.quarantine.imports.selectors import (
    REPORT_FIELDS,
    entry_problems,
    import_noted_entries,
    import_report_sheet,
)
from fangkong.quarantine.models import ListImport


class Command(BaseCommand):
    help = "导入上级推送名单：fangkong import returnees 文件 [--dry-run] [--all-or-nothing]"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=["returnees"], help="名单类别：returnees（返乡人员）")
        parser.add_argument("file", help=".xlsx、.xls、.ods 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并输出报告，不入库")
        parser.add_argument(
            "--all-or-nothing", action="store_true", help="任何一行有问题则全部不入库"
        )
        parser.add_argument(
            "--report",
            default="",
            metavar="FILE.xlsx",
            help="把导入报告（每行的处理结果和问题，与网页上下载的相同）写入该文件",
        )
        parser.add_argument("--user", default="", help="以该账号的名义导入（默认无）")
        parser.add_argument("--quiet", action="store_true", help="不显示进度")

    def handle(self, *args: Any, **options: Any) -> None:
        from fangkong.accounts.models import User

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        report = Path(options["report"]) if options["report"] else None
        if report is not None and report.suffix.lower() != ".xlsx":
            raise CommandError(f"报告文件须以 .xlsx 结尾：{report}")
        if report is not None and not report.parent.is_dir():
            raise CommandError(f"报告文件所在的目录不存在：{report.parent}")
        by = None
        if options["user"]:
            by = User.objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"账号不存在：{options['user']}")
        with path.open("rb") as fh:
            li = list_import_create(
                upload=fh,
                name=path.name,
                by=by,
                dry_run=options["dry_run"],
                all_or_nothing=options["all_or_nothing"],
            )
        try:
            li = list_import_layout(list_import=li, keep=True)
        except ImportFileError as exc:
            li.status = ListImport.Status.FAILED
            li.message = str(exc)[:500]
            li.save()
            raise CommandError(str(exc)) from None
        if li.status == ListImport.Status.MAPPING:
            known = "、".join(str(label) for label in FIELD_LABELS.values())
            raise CommandError(
                f"未能识别表头（找到：{'、'.join(h for h in li.headers if h)}）。"
                f"表头须包含“姓名”和“身份证号”或“手机号”，可识别的列：{known}；"
                "也可在网页上传后手工指定列"
            )
        quiet = options["quiet"]

        def progress(done: int, total: int) -> None:
            if not quiet:
                sys.stdout.write(f"\r已处理 {done}/{total} 行")
                sys.stdout.flush()

        try:
            li = list_import_run(list_import_id=li.pk, progress=progress)
        except Exception as exc:
            li.refresh_from_db()
            raise CommandError(li.message or str(exc)) from exc
        if not quiet:
            self.stdout.write("")
        c = li.counts
        self.stdout.write(
            f"{li.get_status_display()}：共{c.get('rows', 0)}行，新建人员{c.get('new_persons', 0)}，"
            f"新建档{c.get('new_cases', 0)}，并入已有对象{c.get('joined', 0)}，"
            f"警告{c.get('warnings', 0)}，拒收{c.get('refused', 0)}，"
            f"疑似重复{c.get('duplicates', 0)}，已导入过{c.get('already', 0)}"
        )
        if li.message:
            self.stdout.write(li.message)
        self._print_rows(li)
        if report is not None:
            rows = write_audited_xlsx(
                str(report),
                user=by,
                sheets=[import_report_sheet(li)],
                revealed=True,
                what=f"命令行导出名单导入报告：{li.original_name}",
                object_type="quarantine.listimport",
                filters={"list_import": li.pk},
                fields=REPORT_FIELDS,
            )
            self.stdout.write(f"导入报告（{rows}行）：{report}")
        self.stdout.write(f"导入编号：{li.pk}")
        if li.status in (ListImport.Status.FAILED,):
            raise CommandError(li.message)

    def _print_rows(self, li: ListImport) -> None:
        """Each row refused, stored with a warning or with a note: row, column, message."""
        kinds = {"error": "拒收", "warning": "警告", "ok": "说明"}
        for entry in import_noted_entries(li):
            for column, message in entry_problems(entry):
                self.stdout.write(
                    f"第{entry.row_number}行 {kinds.get(entry.level, entry.level)} {column}：{message}"
                )
