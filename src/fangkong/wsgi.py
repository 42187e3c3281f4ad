"""WSGI entry point for gunicorn (`fangkong serve`, or nginx + gunicorn in production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
application = get_wsgi_application()

# Each web process says it runs (and waits here while a restore runs): core/running.py.
from fangkong.core.running import register  # noqa: E402

register("web")
