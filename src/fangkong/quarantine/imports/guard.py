"""Opening an uploaded workbook without letting it take a server process down.

python-calamine reads a sheet into one dense array, from its first to its last cell, inside
the calling process. A 5 KB .xlsx with one cell at XFD1048576 asks it for 550 GB, and a
failed allocation in Rust aborts the whole process (gunicorn worker or task worker) instead
of raising; a zip bomb inflates a small upload to gigabytes. So before a workbook is opened
in a server process:

1. the sizes its zip directory declares (.xlsx, .ods) must add up to at most
   UNZIPPED_PER_MB × the upload limit;
2. it is opened once in a child process under a memory limit (address space) and a time
   limit. If the child dies of either, the file is refused with a plain message; if it
   opens there, it opens in the server within the same bounds.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# The unzipped content a list may have per MB of upload limit (a 20 MB limit: 500 MB);
# real lists inflate about 12 times.
UNZIPPED_PER_MB = 25
# The child's address space: a base for the interpreter and the library, plus so many bytes
# per byte of file (an 8 MB, 200,000-row .xlsx needs under 200 MB in all).
PROBE_BASE_MB = 256
PROBE_PER_BYTE = 40
PROBE_SECONDS = 60

PROBE = """
import resource, sys
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort here is expected: no core file
from python_calamine import CalamineWorkbook
sheet = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)
print(sheet.height, sheet.width)
"""


class WorkbookTooLarge(Exception):
    """The workbook would need more memory or time than a list may take; says why."""


def check_workbook(path: Path, *, zipped: bool) -> None:
    """Raise WorkbookTooLarge if opening `path` could exhaust a server process. Other
    defects (not a workbook, truncated, encrypted) are left for the reader to name."""
    if zipped:
        _check_zip(path)
    _probe(path)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            declared = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # truncated or not a zip: the reader says so
    limit = int(settings.FANGKONG["UPLOAD_MAX_MB"]) * UNZIPPED_PER_MB
    if declared > limit * 1024 * 1024:
        raise WorkbookTooLarge(
            _(
                "文件解压后过大（%(mb)d MB，上限为 %(limit)d MB），不像是正常的名单文件"
                "（可能是压缩炸弹）；请检查后重新导出"
            )
            % {"mb": declared // (1024 * 1024), "limit": limit}
        )


def _probe(path: Path) -> None:
    limit = (PROBE_BASE_MB * 1024 * 1024) + PROBE_PER_BYTE * path.stat().st_size
    try:
        result = subprocess.run(
            [sys.executable, "-I", "-c", PROBE, str(path), str(limit)],
            capture_output=True,
            text=True,
            timeout=PROBE_SECONDS,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        )
    except subprocess.TimeoutExpired:
        raise WorkbookTooLarge(
            _("读取文件超过%(s)d秒：表格过大或结构异常，请拆分或删除多余的行列后重新上传")
            % {"s": PROBE_SECONDS}
        ) from None
    if result.returncode < 0 or "MemoryError" in result.stderr:
        raise WorkbookTooLarge(
            _(
                "文件展开后超出处理上限：表格中可能有远离数据的单元格或大片空白格式区域，"
                "请删除多余的行列（或另存为CSV）后重新上传"
            )
        )
