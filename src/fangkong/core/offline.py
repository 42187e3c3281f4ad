"""What the installable web app keeps for use without a network.

Apps register the pages that must open offline (`register_offline_page("url_name")`) in
their AppConfig.ready(); the service worker (/sw.js) precaches them with the static assets
and the reference data. Only these pages are kept on the device: others may hold personal
data nobody needs at the roadside.
"""

from __future__ import annotations

import hashlib
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

OFFLINE_PAGES: list[str] = []
STATIC_ASSETS = [
    "fangkong/app.css",
    "fangkong/offline.js",
    "fangkong/idnumber.js",
    "fangkong/favicon.svg",
    "fangkong/icon-192.png",
    "fangkong/icon-512.png",
    "vendor/htmx/htmx.min.js",
]
REFERENCE_URLS = ["/api/v1/reference/id-rules"]


def register_offline_page(url_name: str) -> None:
    if url_name not in OFFLINE_PAGES:
        OFFLINE_PAGES.append(url_name)


def offline_urls() -> list[str]:
    urls = []
    for name in OFFLINE_PAGES:
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue
    return urls


@cache
def assets_version() -> str:
    """Changes whenever a cached asset changes, so devices drop the old copies."""
    digest = hashlib.sha256()
    for asset in STATIC_ASSETS:
        path = finders.find(asset)
        if path:
            with open(str(path), "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()[:12]


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    body = render_to_string(
        "offline/sw.js",
        {
            "version": assets_version(),
            "static_urls": [static(a) for a in STATIC_ASSETS],
            "page_urls": offline_urls(),
            "reference_urls": REFERENCE_URLS,
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": f"{settings.FANGKONG['BUREAU_NAME']}{_('疫情防控指挥平台')}",
            "short_name": _("防控"),
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f4f6f9",
            "theme_color": "#1f4e8c",
            "lang": "zh-CN",
            "icons": [
                {"src": static("fangkong/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("fangkong/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("fangkong/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
