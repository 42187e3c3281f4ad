from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


def app_modules(name: str) -> list[tuple[AppConfig, ModuleType]]:
    """Each fangkong app's module `name` (demo, scale, stats …), in INSTALLED_APPS order,
    which is dependency order; apps without one are skipped."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("fangkong."):
            continue
        try:
            found.append((config, importlib.import_module(f"{config.name}.{name}")))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
    return found


def run_builds(name: str, ctx: Any, log: Callable[[str], None]) -> None:
    """Each app's `name` module's `build(ctx)` (demo, scale), in dependency order, each
    timed in the log."""
    for config, module in app_modules(name):
        build = getattr(module, "build", None)
        if build is None:
            continue
        began = time.monotonic()
        build(ctx)
        log(f"  {config.verbose_name}: {time.monotonic() - began:.1f}s")


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        from django.urls import register_converter

        from fangkong.core.bounds import RecordIdConverter

        # Before any URLconf is read: every page's record number is an `<id:…>`.
        register_converter(RecordIdConverter, "id")
        from fangkong.core import (
            checks,  # noqa: F401 — registers the deploy checks
            lookups,  # noqa: F401 — registers CharField's `prefix`
        )
