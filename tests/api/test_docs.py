"""/api/v1/docs: signed in only, under the site's CSP, from vendored assets (issue 14)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_docs_need_sign_in(world: World) -> None:
    answer = Client().get("/api/v1/docs")
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")


def test_docs_use_vendored_swagger_under_the_csp(world: World) -> None:
    answer = world.client("checkpoint").get("/api/v1/docs")
    assert answer.status_code == 200
    assert "script-src 'self'" in answer["Content-Security-Policy"]
    html = answer.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/fangkong/api-docs.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html
    assert 'data-openapi-url="/api/v1/openapi.json"' in html
