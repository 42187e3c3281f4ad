"""django-tasks-db as the admin names it (INSTALLED_APPS lists this config instead of the
app): its own name is English and not translatable. A module of its own, because an apps.py
with two configs leaves Django unable to tell which is the app's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("后台任务")  # type: ignore[assignment]  # the base says str; Django takes lazy text
