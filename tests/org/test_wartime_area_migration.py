"""org 0008 gives each wartime order the area it reaches, read from its issuer as the
order was read before (their unit's area, else their township's county, else the
installation's), so a city's existing orders keep reaching the same counties."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("org", "0007_name_unique_per_area"), ("accounts", "0011_totp_secrets_encrypted")]
AFTER = [("org", "0008_wartime_order_area")]


@pytest.mark.django_db(transaction=True)
def test_existing_orders_get_their_issuers_area(settings: Any) -> None:
    settings.FANGKONG = {**settings.FANGKONG, "AREA_CODE": "3709"}
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Unit, Township = old.get_model("org", "Unit"), old.get_model("org", "Township")
    User, Order = old.get_model("accounts", "User"), old.get_model("org", "WartimeOrder")
    dongping = Unit.objects.create(name="东平县公安局", kind="bureau", area_code="370923")
    town = Township.objects.create(code="370982001", name="城关镇", kind="town")
    issuers = {
        "370923": User.objects.create(username="dp", password="x", unit=dongping),
        "370982": User.objects.create(username="xt", password="x", township=town),
        "3709": User.objects.create(username="city", password="x"),
    }
    at = datetime.datetime(2020, 1, 26, 8, tzinfo=datetime.UTC)
    for area, user in issuers.items():
        Order.objects.create(title=area, effective_at=at, issued_by=user, issued_at=at)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("org", "WartimeOrder")
    assert {o.title: o.area_code for o in new.objects.all()} == {
        "370923": "370923",
        "370982": "370982",
        "3709": "3709",
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
