"""Background work of the quarantine app (django-tasks; `fangkong serve` runs the worker)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_list_import(list_import_id: int) -> dict[str, int]:
    """Import a pushed list; progress is kept on the ListImport row, so the page that
    started it may be closed."""
    from fangkong.quarantine.imports import list_import_run

    li = list_import_run(list_import_id=list_import_id)
    return dict(li.counts)
