"""Views every app shares: one form page, the error pages in the site's own layout and language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core import api
from fangkong.core.forms import add_errors

T = TypeVar("T")


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    save: Callable[[], T],
    done: str | Callable[[T], str],
    message: Callable[[T], str],
    title: str,
    formsets: Iterable[Any] = (),
    template: str = "form_page.html",
    **context: Any,
) -> HttpResponse:
    """One form posted to one service: on success a message and a redirect, else the page again.

    `save` calls the service with the form's cleaned data; a `ValidationError` it raises lands on
    the form (field errors on their fields), so nothing is half saved and the officer's input is
    kept. `done` is a URL name or path, or a function of the saved object giving one.
    """
    formsets = list(formsets)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets):
        try:
            obj = save()
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, message(obj))
            return redirect(done(obj) if callable(done) else done)
    page = {"form": form, "title": title, **context}
    if formsets:
        page["formsets"] = formsets
    return render(request, template, page)


def document_page(
    request: HttpRequest,
    *,
    title: str,
    facts: Iterable[tuple[str, Any]],
    back_url: str,
    back_label: str,
) -> HttpResponse:
    """A document's address opened by a GET: what will be issued, and the button that issues
    it. Issuing writes (a record of the document, an audit entry), so only a POST with its
    CSRF token issues: a link followed, prefetched or sent to someone issues nothing (the
    fifth attack: documents issued by a GET)."""
    return render(
        request,
        "document_issue.html",
        {"title": title, "facts": list(facts), "back_url": back_url, "back_label": back_label},
    )


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` a form posted, if it points back into this site; otherwise `default`."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# Under /api/ each answers JSON in the schema's shape (core/api.py): a refusal raised before
# ninja (AreaMiddleware's ?area=) or outside its handlers is still the API's.


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        # A body past FANGKONG_UPLOAD_MAX_MB: 413, naming the bound.
        if api.is_api(request):
            return api.refusal(413, api.too_large())
        return render(request, "400.html", {"message": api.too_large()}, status=413)
    if api.is_api(request):
        return api.malformed()
    return render(request, "400.html", {"message": _("请求格式错误")}, status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form posted without its token (a page open too long, a sign-out
    elsewhere) is told so in the site's own page and language, not Django's English page;
    under /api/ in the API's shape. Nothing was saved."""
    if api.is_api(request):
        return api.refusal(403, api.CSRF_FAILED)
    back = request.path if request.method == "POST" else "/"
    return render(request, "403_csrf.html", {"back": back}, status=403)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api.is_api(request):
        return api.refusal(403, api.FORBIDDEN)
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api.is_api(request):
        return api.refusal(404, api.NOT_FOUND)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if api.is_api(request):
        return api.refusal(500, api.SERVER_ERROR)
    # No context processors: the failure may be in one of them.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
