from __future__ import annotations

import importlib
from types import ModuleType

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
