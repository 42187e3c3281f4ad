"""A URLconf for tests/core/test_offline.py: a route whose argument spans path segments."""

from django.http import HttpResponse
from django.urls import path


def _view(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse()


urlpatterns = [
    path("files/<path:name>", _view, name="any_file"),
    path("cases/<int:pk>/followup/", _view, name="followup_create"),
]
