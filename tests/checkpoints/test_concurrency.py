"""Cars registered at the same moment on several connections, with the same people in
other seats: each is stored, none fails on a deadlock, and each person has one case."""

from __future__ import annotations

import datetime
import random
import threading

import pytest
from django.db import connection

from fangkong.checkpoints import services
from fangkong.checkpoints.services import OccupantInput, PassageInput
from fangkong.core.demo import SHANGHAI
from fangkong.core.idnumber import make_id_number
from fangkong.quarantine.models import CaseReferral, QuarantineCase
from tests.checkpoints.conftest import Posts
from tests.conftest import numbered

AT = datetime.datetime(2020, 1, 28, 9, 30, tzinfo=SHANGHAI)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_cars_with_the_same_new_people_do_not_deadlock(posts: Posts) -> None:
    # Six returnees from Wuhan going to two townships: every registration refers all three
    # occupants, opening or joining their cases (and adding to the township's case counts).
    people = [
        (numbered("武汉", i), make_id_number("420106", datetime.date(1980, 1, 1 + i), i, "M"))
        for i in range(6)
    ]
    towns = ["堽城镇", "泗店镇"]
    failures: list[str] = []
    stored: list[int] = []
    barrier = threading.Barrier(6)

    def drive(seed: int) -> None:
        from django.db import connections

        rng = random.Random(seed)
        barrier.wait(timeout=10)
        try:
            for n in range(12):
                seats = rng.sample(people, 3)
                data = PassageInput(
                    checkpoint=posts.g104, direction="in", vehicle_type="car",
                    plate=f"鄂A{seed}{n:04d}", occurred_at=AT,
                    occupants=[
                        OccupantInput(name=name, id_number=number, temperature="36.5",
                                      destination=towns[int(number[-2]) % 2])
                        for name, number in seats
                    ],
                )  # fmt: skip
                try:
                    services.passage_register(data=data, by=posts.world.users["checkpoint"])
                    stored.append(1)
                except Exception as exc:  # what the officer would see as a failed save
                    failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=drive, args=(s,)) for s in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == [] and len(stored) == 72
    # Each person has one open case, and every one of the 216 referrals is on it.
    assert QuarantineCase.objects.count() == 6
    assert CaseReferral.objects.count() == 72 * 3
