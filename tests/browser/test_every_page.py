"""Every page each role may open, in Chromium on a phone: it loads without a script error, a
blocked asset (the CSP allows no inline script or outside host) or a missing file, and it
fits the phone's width (wide tables scroll inside their own box, not the whole page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from fangkong.accounts.roles import ADMINISTRATOR_ROLES, role_perms
from fangkong.org.models import Unit
from tests.browser.conftest import login
from tests.conftest import PASSWORD, World
from tests.test_routes import OBJECT_LEVEL, ROUTES, SIGNED_IN

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ["command", "admin", "checkpoint", "followup", "political", "logistics", "workgroup"]
NOT_PAGES = {"logout", "service_worker", "manifest", "set_language"}


def pages_for(role: str) -> list[str]:
    allowed = role_perms(role)
    urls = []
    for name, url, perms in ROUTES:
        if name in NOT_PAGES or "999999" in url or "/x/" in url or url.endswith("/x"):
            continue
        if url.endswith((".xlsx", ".docx", ".csv", ".js", ".svg")):
            continue
        if perms is None:
            if name in SIGNED_IN or name in OBJECT_LEVEL:
                urls.append(url)
            continue
        if any(p.startswith("any:") for p in perms):
            if set(next(iter(perms))[4:].split(",")) & allowed:
                urls.append(url)
        elif perms <= allowed:
            urls.append(url)
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_every_page_loads_cleanly_and_fits_a_phone(
    page: Page, live_server: object, world: World, role: str
) -> None:
    base = str(live_server)
    user = next(u for u in world.users.values() if u.role == role)
    login(page, base, user.username, PASSWORD)
    urls = pages_for(role)
    assert len(urls) >= 3, urls
    problems = []
    for url in urls:
        probe = page.request.get(f"{base}{url}", max_redirects=0)
        if probe.status == 405 or "text/html" not in probe.headers.get("content-type", ""):
            continue  # a POST-only action or a download, not a page
        if probe.status == 403 and any(url.startswith(f"/{p}") for p in ("org/welfare",)):
            continue  # a page with its own per-record rule (tests/test_routes.py OBJECT_LEVEL)
        page.console_errors.clear()  # type: ignore[attr-defined]
        response = page.goto(f"{base}{url}")
        assert response is not None
        page.wait_for_load_state("load")
        errors = list(page.console_errors)  # type: ignore[attr-defined]
        if url == "/password/" and role in ADMINISTRATOR_ROLES and response.status == 403:
            # Their passwords are changed on the server only: the page says so, with a 403
            # (tests/accounts/test_password_page_attack.py); the browser logs the status.
            errors = [e for e in errors if "403" not in e]
        elif response.status >= 400:
            problems.append((url, response.status))
        if errors:
            problems.append((url, errors))
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 1:
            problems.append((url, f"{overflow}px wider than the phone"))
    assert problems == []
    # The width check sees a page that does not fit.
    page.evaluate(
        "() => { const d = document.createElement('div');"
        " d.style.width = '2000px'; d.style.height = '1px'; document.body.append(d); }"
    )
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        > 1000
    )


@pytest.mark.parametrize("role", ["command", "checkpoint", "followup", "political", "logistics"])
def test_every_page_in_english_has_no_chinese_in_its_own_words(
    page: Page, live_server: object, world: World, role: str
) -> None:
    """Headings, labels, buttons, table headers and the menu are the platform's own words: in
    English none of them is left in Chinese (names and places in the data stay as they are)."""
    base = str(live_server)
    user = next(u for u in world.users.values() if u.role == role)
    login(page, base, user.username, PASSWORD)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("load")
    # The data's own words: the user's and units' names ("中文" is the other language's name).
    data = sorted(
        {user.display_name, user.username, *Unit.objects.values_list("name", flat=True)},
        key=len,
        reverse=True,
    )
    untranslated = []
    for url in pages_for(role):
        probe = page.request.get(f"{base}{url}", max_redirects=0)
        if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
            continue
        page.goto(f"{base}{url}")
        found = page.evaluate(
            """(data) => [...document.querySelectorAll(
                   'h1, h2, h3, label, button, th, nav a, legend, .fk-btn')]
               .map(e => data.reduce((t, d) => t.split(d).join(''), e.innerText.trim()))
               .filter(t => t !== '中文' && /[\\u4e00-\\u9fff]/.test(t))""",
            data,
        )
        if found:
            untranslated.append((url, found[:5]))
    assert untranslated == []
