"""Background work of the quarantine app (django-tasks; `fangkong serve` runs the worker).

Each task lives beside the work it runs; this module names them all, at the path queued
tasks were stored under.
"""

from __future__ import annotations

from fangkong.quarantine.imports import run_list_import

__all__ = ["run_list_import"]
