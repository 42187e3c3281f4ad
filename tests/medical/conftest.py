"""A small county for the medical hand-off: one checkpoint, a Hubei returnee (赵丽, 泗店)
and the people who rode with her or live with 张三 (堽城), a designated clinic's staff."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

import pytest

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.checkpoints import services as checkpoint_services
from fangkong.checkpoints.models import Checkpoint, Passage
from fangkong.checkpoints.services import OccupantInput, PassageInput
from fangkong.core.clock import SHANGHAI
from fangkong.core.idnumber import make_id_number
from fangkong.medical.models import MedicalInstitution
from fangkong.people.models import Person
from fangkong.people.services import PersonInput, person_register
from tests.checkpoints.conftest import registered_as_it_passed
from tests.conftest import PASSWORD, ClockAt, World

TODAY = datetime.date(2020, 2, 3)


@dataclass
class County:
    world: World
    checkpoint: Checkpoint
    clinic_a: MedicalInstitution  # 堽城镇卫生院
    clinic_b: MedicalInstitution  # 泗店镇卫生院
    medical_a: User
    medical_b: User

    def passage(
        self, day: datetime.date, people: list[Person], *, temperatures: list[str] | None = None
    ) -> Passage:
        """A car on `day` at 10:00, registered as it passed (the platform's clock then:
        passage_assess refuses a car registered long after)."""
        temperatures = temperatures or ["36.5"] * len(people)
        data = PassageInput(
            checkpoint=self.checkpoint,
            direction="in",
            vehicle_type="car",
            plate="鲁J12345",
            occurred_at=datetime.datetime.combine(day, datetime.time(10, 0), SHANGHAI),
            client_id=uuid.uuid4(),
            occupants=[
                OccupantInput(
                    name=p.name,
                    id_number=p.id_number or "",
                    phone=p.phone,
                    temperature=t,
                    origin="武汉" if p.household_region.startswith("42") else "泰安",
                    destination=p.township.name if p.township else "",
                )
                for p, t in zip(people, temperatures, strict=True)
            ],
        )
        return registered_as_it_passed(data)


def resident(world: World, name: str, n: int, *, b: bool = False, address: str = "") -> Person:
    person, _ = person_register(
        data=PersonInput(
            name=name,
            id_number=make_id_number(
                "370921", datetime.date(1980, 1, 1) + datetime.timedelta(days=n), 30 + n, "M"
            ),
            phone=f"1385380{n:04d}",
            township=world.township_b if b else world.township_a,
            village=world.village_b if b else world.village_a,
            address_detail=address,
        ),
        by=None,
    )
    return person


@pytest.fixture
def county(world: World, clock_at: ClockAt) -> County:
    clock_at("15:00", TODAY)
    checkpoint = checkpoint_services.checkpoint_create(
        code="G104N",
        name="G104宁阳北检查站",
        road="G104",
        opened_on=datetime.date(2020, 1, 1),
        unit=world.station_a,
        by=None,
    )
    checkpoint_services.checkpoint_post(
        user=world.users["checkpoint"], checkpoint=checkpoint, by=None
    )
    clinic_a = MedicalInstitution.objects.get(name="堽城镇卫生院")
    clinic_b = MedicalInstitution.objects.get(name="泗店镇卫生院")
    medical_a = user_create(
        username="yiliao_a", password=PASSWORD, role=Role.MEDICAL, by=None, check_password=False
    )
    medical_b = user_create(
        username="yiliao_b", password=PASSWORD, role=Role.MEDICAL, by=None, check_password=False
    )
    clinic_a.staff.add(medical_a)
    clinic_b.staff.add(medical_b)
    return County(world, checkpoint, clinic_a, clinic_b, medical_a, medical_b)
