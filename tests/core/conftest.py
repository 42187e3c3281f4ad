"""Lets the core tests run without pytest-django (``pytest -p no:django``).

The messages are built with Django's gettext, which needs configured settings and a ready
app registry; under pytest-django both come from the project's settings instead.
"""

from __future__ import annotations

import os

import django
from django.apps import apps
from django.conf import settings

if not settings.configured and "DJANGO_SETTINGS_MODULE" not in os.environ:
    settings.configure(
        USE_I18N=True, LANGUAGE_CODE="zh-hans", USE_TZ=True, TIME_ZONE="Asia/Shanghai"
    )
if not apps.ready:
    django.setup()
