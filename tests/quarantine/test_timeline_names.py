"""A case's timeline names who did each step as the reader may see them: an officer of
the reader's area by name, one of another area (the deciding side of a transfer, another
county's station) by their unit, as the transfer requests do (people.selectors.transfer_party);
the audit trail keeps who it was. In the province of tests/org/test_levels.py."""

from __future__ import annotations

import pytest

from fangkong.accounts.roles import Role
from fangkong.core import clock
from fangkong.quarantine.models import CaseStatus, CaseTransition
from tests.org.test_levels import Province, _user
from tests.org.test_levels import province as province

pytestmark = pytest.mark.django_db

NY, DP = "370921", "370923"


def test_another_countys_officer_is_named_by_unit_on_the_timeline(province: Province) -> None:
    ny, dp = province.counties[NY], province.counties[DP]
    theirs = _user("dp_decider", Role.STATION, unit=dp.station, display_name="东平所长甲")
    ours = _user("ny_officer", Role.STATION, unit=ny.station, display_name="宁阳民警乙")
    case = ny.case
    for by, reason in ((theirs, "经东平核查转来"), (ours, "宁阳核查")):
        CaseTransition.objects.create(
            case=case,
            from_status=case.status,
            to_status=CaseStatus.PENDING,
            reason=reason,
            at=clock.now(),
            by=by,
        )
    path = f"/cases/{case.pk}/"
    # 宁阳's station and commander (the case's county): their own officer by name, 东平's
    # officer by the unit.
    for reader in ("ningyang_station", "ningyang"):
        page = province.client(reader).get(path)
        assert page.status_code == 200, reader
        timeline = page.content.decode()
        assert "经东平核查转来" in timeline and "东平县城关派出所" in timeline, reader
        assert "东平所长甲" not in timeline, reader
        assert "宁阳民警乙" in timeline, reader
    # The city's commander sees both counties' officers: both named.
    city = province.client("taian").get(path).content.decode()
    assert "东平所长甲" in city and "宁阳民警乙" in city
