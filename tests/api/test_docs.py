"""/api/v1/docs: signed in only, under the site's CSP, from vendored assets (issue 14)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.checkpoints.conftest import Posts, posts  # noqa: F401 (the fixture)
from tests.checkpoints.test_api import token_for
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


def test_the_schema_needs_a_signed_in_user_or_a_device_token(posts: Posts) -> None:  # noqa: F811
    """The schema names every operation, parameter and bound: a map of the API for anyone
    on the network until it needed a caller (w18-sec)."""
    world = posts.world
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer fk_not-a-token"}):
        answer = Client().get("/api/v1/openapi.json", **headers)
        assert answer.status_code == 401, answer.status_code
        assert b"/api/v1/persons" not in answer.content
    signed_in = world.client("checkpoint").get("/api/v1/openapi.json")
    assert signed_in.status_code == 200 and "/api/v1/persons" in signed_in.json()["paths"]
    token = token_for(posts)
    device = Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert device.status_code == 200 and "/api/v1/passages" in device.json()["paths"]
