"""Property-based tests of the whole JSON API from its own OpenAPI schema (schemathesis):
whatever a device or another system sends, the answer is never a server error and never
breaks the schema the API publishes."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from fangkong.wsgi import application
from tests.conftest import World
from tests.conftest import signed_in as signed_in_as

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.content_type_conformance,
    # Every answer's status is one the operation documents (core/api.py errors()).
    schemathesis.checks.status_code_conformance,
]


@pytest.fixture
def signed_in(world: World, settings: Any) -> dict[str, str]:
    """Headers of a signed-in command-centre user (whole county, every API permission).

    Without the per-user search limit: hundreds of generated searches by one user would
    otherwise be answered 429 (documented) instead of reaching the search code."""
    settings.FANGKONG = {**settings.FANGKONG, "SEARCH_RATE": 0, "SEARCH_DAILY": 0}
    client = signed_in_as(world.users["command"])
    client.get("/")  # sets the CSRF cookie
    session = client.cookies["sessionid"].value
    csrf = client.cookies["csrftoken"].value
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_never_fails_or_breaks_its_schema(case: Any, signed_in: dict[str, str]) -> None:
    response = case.call(headers=signed_in)
    case.validate_response(response, checks=CHECKS)
