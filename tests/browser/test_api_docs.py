"""/api/v1/docs in Chromium: signed in, drawn by the vendored Swagger UI under the site's
CSP, every operation listed, and no request leaves the server (the intranet has no CDN).
Before (issue 14): the page was public, had no CSP and loaded Swagger from a CDN, so it was
blank on the intranet."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from fangkong.api import api
from tests.browser.conftest import login
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_api_docs_render_every_operation_from_the_server_alone(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    login(page, base, "command", PASSWORD)
    answer = page.goto(f"{base}/api/v1/docs")
    assert answer is not None and answer.status == 200
    assert "script-src 'self'" in (answer.headers.get("content-security-policy") or "")

    operations = sum(len(ops) for ops in api.get_openapi_schema()["paths"].values())
    blocks = page.locator("#swagger-ui .opblock")
    expect(blocks.first).to_be_visible()
    expect(blocks).to_have_count(operations)
    expect(page.locator("#swagger-ui")).to_contain_text("/api/v1/passages")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "api-docs-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "api-docs.png"))

    own = urlsplit(base).netloc
    assert [u for u in requests if urlsplit(u).scheme in ("http", "https")] and all(
        urlsplit(u).netloc == own for u in requests if urlsplit(u).scheme in ("http", "https")
    ), [u for u in requests if urlsplit(u).netloc != own]
    assert csp_errors == []
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_api_docs_need_sign_in(page: Page, live_server: object, world: World) -> None:
    base = str(live_server)
    page.goto(f"{base}/api/v1/docs")
    assert urlsplit(page.url).path == "/login/"
    expect(page.locator("#swagger-ui")).to_have_count(0)
