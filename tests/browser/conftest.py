"""Browser tests: Debian's Chromium driven by Playwright against Django's live server."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there (fixtures, assertions on rows) are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs it")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status == 404 else None)
    page.console_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def until(page: Page, predicate: str, arg: object = None, timeout_ms: int = 15000) -> None:
    """Wait until `predicate` (a JavaScript function of `arg`, may return a promise) is true in
    the page. Playwright's wait_for_function compiles its predicate again with eval on every
    poll after the first, which the pages' Content-Security-Policy (script-src 'self') refuses:
    it passed only when the first poll was already true. Here the loop is part of one
    evaluated function, compiled once by the browser's debugger protocol."""
    page.evaluate(
        f"""async (arg) => {{
            const predicate = {predicate};
            const end = Date.now() + {timeout_ms};
            for (;;) {{
                if (await predicate(arg)) return true;
                if (Date.now() > end) throw new Error("still false: " + {json.dumps(predicate)});
                await new Promise((resolve) => setTimeout(resolve, 100));
            }}
        }}""",
        arg,
    )


def login(page: Page, base: str, username: str, password: str) -> None:
    """Sign in through the pages, as a person does: the password, then — for a user with an
    authenticator — its code, or — for a role that requires one and has none yet — binding
    one from the secret the page shows (the codes computed as the phone would)."""
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/(login/verify/.*|account/2fa/enrol/.*)?$"))
    if "/login/verify/" in page.url:
        from fangkong.accounts.models import User
        from tests.conftest import next_code

        page.get_by_label("验证码").fill(next_code(User.objects.get(username=username)))
        page.get_by_role("button", name="验证").click()
    elif "/account/2fa/enrol/" in page.url:
        from fangkong.accounts import mfa

        secret = page.get_by_test_id("mfa-secret").inner_text().replace(" ", "")
        code = mfa.totp_code(base64.b32decode(secret).hex())
        page.get_by_label("验证器上的6位数字").fill(code)
        page.get_by_role("button", name="完成绑定").click()
        page.get_by_test_id("recovery-codes").wait_for()
        page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(f"{base}/")


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[object]:
    """pytest-django's live server, but with static files served the production way.

    Its default handler serves /static/ through staticfiles' view, which refuses when DEBUG
    is off; here the requests reach WhiteNoise, as they do under gunicorn.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda handler: handler
    server.start()
    yield server
    server.stop()


def register_ready(page: Page) -> None:
    """Wait until the registration page's script has taken the form over (register.js marks
    it): a button pressed before that posts the form to the server instead — a real path,
    but not the one a test of the phone's page means to walk."""
    page.locator('form[data-outbox-kind="passage"][data-ready]').wait_for(state="attached")
