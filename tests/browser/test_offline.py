"""The installable web app: pages open without a network once opened online, writes wait
on the device as 待同步, and signing out takes the device's copy with it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login, until
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)


def test_manifest_and_service_worker_are_served(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    manifest = page.request.get(f"{base}/manifest.webmanifest").json()
    assert manifest["display"] == "standalone"
    assert {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}
    sw = page.request.get(f"{base}/sw.js")
    assert sw.headers["content-type"].startswith("application/javascript")
    assert "/static/fangkong/offline.js" in sw.text()
    assert "/api/v1/reference/id-rules" in sw.text()


def test_home_opens_offline_and_queued_writes_wait_then_signing_out_clears(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    login(page, base, "station_a", PASSWORD)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker, which keeps this page
    expect(page.locator("main")).to_contain_text("人员查询")
    until(page, "() => navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("main")).to_contain_text("人员查询")
    expect(page.get_by_test_id("user-label")).to_contain_text("派出所")

    page.evaluate(
        "FangkongOutbox.enqueue('note', '/api/v1/me', {text: '离线记录'}, '测试').then(() => FangkongOutbox.flush())"
    )
    expect(page.locator("[data-outbox-badge]")).to_be_visible()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    assert page.evaluate("FangkongOutbox.list().then(r => r.length)") == 1

    page.context.set_offline(False)
    # The record is tried once more (this one is refused) and the officer asked before it
    # is deleted with the rest of the device's copy.
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{base}/login/")
    assert asked == ["本机还有1条记录未上传，退出将删除这些记录。确定退出？"]
    # Only the app's own files may be back (the login page uses them); no page, no data.
    kept = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
            }
            return urls;
        }"""
    )
    assert [u for u in kept if not u.startswith("/static/")] == []
    assert page.evaluate("FangkongOutbox.list().then(r => r.length)") == 0
