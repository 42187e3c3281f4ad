"""Accessibility: every page a role may open passes axe-core (vendored under
tests/browser/vendor/axe-core, evaluated by Playwright, offline) with no serious or critical
violation, in Chinese and in English, at phone and at desk width.

The sample, and why it is enough (the whole walk must fit in `make test`):
- Each role's pages (the list of tests/browser/test_every_page.py) are fetched in-process
  and grouped by the template that rendered them; the browser opens one page per template
  not yet seen by an earlier role (53 templates). Pages sharing a template share their
  markup, components and colours: a violation in one is in all.
- One browser; one context per role, signed in by its session cookie (the sign-in pages are
  tested in tests/accounts; the sign-in page itself is walked here on its own).
- Every template in Chinese at phone width (390 px): the primary target, where tables turn
  into cards and the header folds.
- English and desk width (1366 px) where they change something axe looks at: the shared
  frame (header, navigation, language button, html lang: base.html), the form layout and
  the table layout (app.css's media queries at 600/900 px). So each role's home (its own
  navigation and tiles), plus one form page and one table page, are walked in both
  languages at both widths. A translation changes the words, not the markup or colours, and
  a missing one falls back to the Chinese, never to an empty name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.conftest import PHONE
from tests.browser.test_every_page import pages_for
from tests.conftest import World, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8")
DESK = {"width": 1366, "height": 900}
ROLES = [
    "command",
    "admin",
    "checkpoint",
    "followup",
    "political",
    "logistics",
    "workgroup",
    "station_a",
]
LANGUAGES = ("zh-hans", "en")

# Violations known and not fixed, each with its reason: (rule id, page path prefix).
KNOWN: set[tuple[str, str]] = set()

RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => [v.id, v.impact, v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')).join(' | ')]);
}"""


def axe_problems(page: Page, url: str) -> list[tuple[str, str, str]]:
    # Evaluated through the DevTools protocol: the page's CSP (no inline script) stays on.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate("() => { " + AXE_SOURCE + " }")
    return [
        (rule, impact, nodes)
        for rule, impact, nodes in page.evaluate(RUN)
        if not any(rule == k and url.startswith(p) for k, p in KNOWN)
    ]


def sample(client: Client, urls: list[str], seen: dict[str, str]) -> tuple[list[str], str, str]:
    """The URLs among `urls` (fetched in-process) whose template is not in `seen` yet, one
    per template (`seen` is updated), with the first form page and the first page with a
    table among them ("" when none)."""
    new: list[str] = []
    form = table = ""
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue  # a redirect, a POST-only action, a download or a per-record refusal
        names = [t.name for t in response.templates if t.name]
        if not names or names[0] in seen:
            continue
        seen[names[0]] = url
        new.append(url)
        if not form and b'class="fk-form' in response.content:
            form = url
        if not table and b"<table" in response.content:
            table = url
    return new, form, table


def walk(
    context: BrowserContext, base: str, plan: list[tuple[str, dict[str, int], list[str]]]
) -> list[Any]:
    """Open each URL of the plan in its language and viewport and run axe there."""
    page = context.new_page()
    problems: list[Any] = []
    for lang, viewport, urls in plan:
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base}])
        page.set_viewport_size(viewport)
        for url in urls:
            # Styles are in by then (the deferred scripts wait for them, a11y.js has run);
            # the icons and the manifest are not what axe looks at.
            page.goto(f"{base}{url}", wait_until="domcontentloaded")
            expected = "en" if lang == "en" else "zh-CN"
            assert page.get_attribute("html", "lang") == expected, url
            for p in axe_problems(page, url):
                problems.append((lang, viewport["width"], url, *p))
    page.close()
    return problems


def test_every_page_template_passes_axe(
    browser: Browser, live_server: object, world: World
) -> None:
    base = str(live_server)
    seen: dict[str, str] = {}
    problems: list[Any] = []
    frame_done = False
    for role in ROLES:
        user = (
            world.users[role]
            if role in world.users
            else next(u for u in world.users.values() if u.role == role)
        )
        client = signed_in(user)
        new, form, table = sample(client, pages_for(user.role), seen)
        # The frame: this role's home (its own navigation and tiles); a form page and a
        # table page once, from the first role that has both.
        frame = ["/"]
        if not frame_done and form and table:
            frame += [form, table]
            frame_done = True
        plan = [
            ("zh-hans", PHONE, new),
            ("zh-hans", DESK, frame),
            ("en", PHONE, frame),
            ("en", DESK, frame),
        ]
        context = browser.new_context(locale="zh-CN", device_scale_factor=1)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
        try:
            problems += [(role, *p) for p in walk(context, base, plan)]
        finally:
            context.close()
    assert problems == []
    # The walk saw the pages it meant to: the site's page templates (53 when written).
    assert len(seen) >= 50, sorted(seen)


def test_sign_in_page_passes_axe(browser: Browser, live_server: object) -> None:
    base = str(live_server)
    context = browser.new_context(locale="zh-CN", device_scale_factor=1)
    try:
        problems = walk(
            context,
            base,
            [(lang, vp, ["/login/"]) for lang in LANGUAGES for vp in (PHONE, DESK)],
        )
    finally:
        context.close()
    assert problems == []
