"""The seventh attack (2026-12-04), the passages' side of the client_id 409: a car stored
under a client_id by another checkpoint, or by another officer, is not the sender's to be
compared with — a list of the parts that differ would tell its plate and occupants one
guess at a time. One answer naming the client_id only, on the API and the page alike."""

from __future__ import annotations

import json

import pytest

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.checkpoints import services
from fangkong.checkpoints.models import Passage
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_api import body, post
from tests.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db

ONLY_THE_ID = {
    "detail": [
        {
            "field": "client_id",
            "msg": "该编号（client_id）已用于另一条记录，本次提交未保存；核对后再次提交将另存为新记录",
        }
    ]
}


def _officer_at(posts: Posts, username: str, code: str) -> object:
    user = user_create(
        username=username, password=PASSWORD, role=Role.CHECKPOINT, by=None,
        check_password=False,
    )  # fmt: skip
    checkpoint = posts.g104 if code == "G104N" else posts.other
    services.checkpoint_post(user=user, checkpoint=checkpoint, by=None)
    return signed_in(user)


def test_another_checkpoints_car_under_the_client_id_is_compared_with_nothing(
    posts: Posts,
) -> None:
    mine = body()
    assert post(posts.world.client("checkpoint"), mine).status_code == 201
    s244 = _officer_at(posts, "cizhao", "S244")
    answers = []
    for plate in ("鄂A12345", "鄂A54321"):  # the stored plate, and another
        guess = {**json.loads(json.dumps(mine)), "checkpoint": "S244", "plate": plate}
        response = post(s244, guess)  # type: ignore[arg-type]
        assert response.status_code == 409  # type: ignore[attr-defined]
        answers.append(response.json())  # type: ignore[attr-defined]
    assert answers == [ONLY_THE_ID, ONLY_THE_ID]
    assert Passage.objects.count() == 1


def test_another_officers_car_at_the_same_checkpoint_is_compared_with_nothing(
    posts: Posts,
) -> None:
    mine = body()
    assert post(posts.world.client("checkpoint"), mine).status_code == 201
    colleague = _officer_at(posts, "g104b", "G104N")
    changed = json.loads(json.dumps(mine))
    changed["occupants"][1]["temperature"] = 37.9
    for sent in (mine, changed):
        response = post(colleague, sent)  # type: ignore[arg-type]
        assert response.status_code == 409 and response.json() == ONLY_THE_ID  # type: ignore[attr-defined]
    # The sender's own retry is still that car, its own other content still named.
    own = posts.world.client("checkpoint")
    assert post(own, mine).status_code == 200  # type: ignore[attr-defined]
    fields = [d["field"] for d in post(own, changed).json()["detail"]]  # type: ignore[attr-defined]
    assert fields == ["occupants.1", "client_id"]
    assert Passage.objects.count() == 1
