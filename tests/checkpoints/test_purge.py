"""A purge reaches what a checkpoint recorded of a person: the name and phone given there
are copies of the person's, and go with them."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from fangkong.checkpoints.models import Occupant
from fangkong.quarantine.models import CaseStatus
from fangkong.quarantine.services import case_refer, case_transition
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_passages import occ, register


@pytest.mark.django_db
def test_purge_clears_the_name_and_phone_a_checkpoint_recorded(posts: Posts) -> None:
    b = posts.world.person_b
    register(posts, occ(id_number=b.id_number, name="赵丽", phone="13700000009"))
    user = posts.world.users["command"]
    case, _ = case_refer(person=b, source="station", by=user)
    case_transition(case=case, to=CaseStatus.NOT_IN_COUNTY, by=user, reason="已离开本县")
    # Purged: closed before the day after the passage, and not seen since.
    call_command("purge", closed_before="2099-01-01", yes=True)
    o = Occupant.objects.get()
    assert (o.name, o.phone, o.origin, o.temperature) == ("（已清除）", "", "", None)
