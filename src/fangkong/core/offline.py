"""What the installable web app keeps for use without a network.

Apps register the pages that must open offline (`register_offline_page("url_name")`) in
their AppConfig.ready(). A page whose URL takes arguments (a case's follow-up form,
/cases/<id:pk>/followup/) is registered the same way and matches any value of them. The
service worker (/sw.js) keeps a copy of such a page when the user opens it online (network
first, the copy only without a network); it never fetches a page the user has not opened.
Only these pages are kept on the device: others may hold personal data nobody needs at the
roadside. Nor is any response marked `Cache-Control: no-store`, nor a page registered with
`query=False` (the register page) at an address with a query.

Reference data (nothing personal in it) is registered with `register_offline_data(path)`:
precached at install when `precache`, else kept when a page first fetches it.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import converters, get_resolver
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from fangkong.core.bounds import RecordIdConverter

OFFLINE_PAGES: list[str] = []
STATIC_ASSETS = [
    "fangkong/app.css",
    "fangkong/offline.js",
    "fangkong/a11y.js",
    "fangkong/clock.js",
    "fangkong/idnumber.js",
    "fangkong/favicon.svg",
    "fangkong/icon-192.png",
    "fangkong/icon-512.png",
    "vendor/htmx/htmx.min.js",
]
PRECACHED_DATA = ["/api/v1/reference/id-rules"]
KEPT_DATA: list[str] = []
# Only arguments that stay within one path segment: a page registered for offline use must
# not turn into a pattern matching half the site (no <path:…>, no other custom converters).
_SEGMENT_CONVERTERS = (
    RecordIdConverter,
    converters.IntConverter,
    converters.StringConverter,
    converters.SlugConverter,
    converters.UUIDConverter,
)


# Pages kept only at their bare address: with a query they may carry personal values
# (the register page opened with a traveller's code), so the worker leaves such a URL alone.
BARE_PAGES: list[str] = []


def register_offline_page(url_name: str, *, query: bool = True) -> None:
    """`query=False`: the page is kept only without a query string; a URL with one is never
    handled nor stored by the service worker (and its response says no-store)."""
    if url_name not in OFFLINE_PAGES:
        OFFLINE_PAGES.append(url_name)
    if not query and url_name not in BARE_PAGES:
        BARE_PAGES.append(url_name)


def register_offline_asset(path: str) -> None:
    """A static file an offline page needs (its own script or stylesheet)."""
    if path not in STATIC_ASSETS:
        STATIC_ASSETS.append(path)
        assets_version.cache_clear()


def register_offline_data(path: str, *, precache: bool = False) -> None:
    """Reference data the device may keep: public, nothing personal."""
    target = PRECACHED_DATA if precache else KEPT_DATA
    if path not in PRECACHED_DATA + KEPT_DATA:
        target.append(path)


def page_pattern(url_name: str) -> str:
    """A regular expression (valid in Python and JavaScript) matching exactly the paths of
    the named route, each argument by its converter's own pattern."""
    variants = get_resolver().reverse_dict.getlist(url_name)
    if not variants:
        raise ValueError(f"offline page {url_name!r}: no such URL name")
    alternatives = []
    for possibilities, _regex, _defaults, route_converters in variants:
        for template, _params in possibilities:
            parts = re.split(r"%\((\w+)\)s", template)
            out = []
            for i, part in enumerate(parts):
                if i % 2 == 0:
                    out.append(re.escape(part.replace("%%", "%")))
                    continue
                converter = route_converters.get(part)
                if type(converter) not in _SEGMENT_CONVERTERS:
                    raise ValueError(
                        f"offline page {url_name!r}: argument {part!r} may span segments"
                    )
                out.append(f"(?:{converter.regex})")
            alternatives.append("/" + "".join(out))
    return "^(?:" + "|".join(alternatives) + ")$"


def offline_page_patterns() -> list[str]:
    return [page_pattern(name) for name in OFFLINE_PAGES]


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
            "static_urls": json.dumps([static(a) for a in STATIC_ASSETS]),
            "page_patterns": json.dumps(offline_page_patterns()),
            "bare_patterns": json.dumps([page_pattern(name) for name in BARE_PAGES]),
            "precached_data": json.dumps(PRECACHED_DATA),
            "kept_data": json.dumps(KEPT_DATA),
            "no_copy": json.dumps(
                render_to_string("offline/no_copy.html", request=request), ensure_ascii=False
            ),
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            # The user's bureau, as the header names it (the context's fk_bureau; the
            # page asks for the manifest with its cookies: base.html's crossorigin).
            "name": render_to_string("offline/app_name.txt", request=request).strip(),
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
