"""Language and security headers for every response; the answer to too many searches."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from fangkong.core.disclosure import SearchRateExceeded

# Scripts and styles come only from fangkong itself (the intranet has no internet), and no
# inline script runs: a stored name like <script> cannot execute even if escaping failed.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class LanguageMiddleware:
    """Simplified Chinese unless the user chose English with the switch.

    Unlike Django's LocaleMiddleware the browser's Accept-Language is ignored: a bureau's
    machines are set up in many ways, and the UI must be Chinese unless asked otherwise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=()")
        return response


class SearchLimitMiddleware:
    """A page whose search went past the user's limit (core.disclosure.search_counted)
    answers 429 with the reason and a way back to the list without the search; the API
    answers the same in JSON (fangkong.api)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, SearchRateExceeded):
            return None
        response = render(
            request, "429.html", {"message": exc.message, "back": request.path}, status=429
        )
        response["Retry-After"] = str(exc.retry_after)
        return response
