"""One vocabulary of symptoms (core/symptoms.py): the checkpoint's boxes, the follow-up's
boxes, the rules the roadside device checks offline and both services' refusals all read it.
Every value stored before it stays valid: a passage's words, a follow-up's codes."""

from __future__ import annotations

import json

from django.test import Client

from fangkong.checkpoints.models import Occupant
from fangkong.core import clock
from fangkong.core.symptoms import CODES, WORDS, Symptom
from fangkong.quarantine.models import Alert, FollowUp
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_api import body, post
from tests.quarantine.conftest import quarantined_pair

# What was stored before the vocabulary became one.
CHECKPOINT_WORDS_BEFORE = ["发热", "咳嗽", "乏力", "咽痛", "呼吸困难", "腹泻"]
FOLLOWUP_CODES_BEFORE = [
    "cough",
    "sore_throat",
    "fatigue",
    "short_breath",
    "diarrhoea",
    "muscle_ache",
    "smell_taste",
]


def test_one_list_in_two_stored_spellings_keeps_every_stored_value_valid() -> None:
    assert list(WORDS[:6]) == CHECKPOINT_WORDS_BEFORE  # the checkpoint's order kept
    assert set(FOLLOWUP_CODES_BEFORE) <= CODES
    assert len(WORDS) == len(CODES) == len(Symptom.choices) == 8
    assert dict(Symptom.choices)["short_breath"] == "呼吸困难"  # one word for one symptom


def test_every_page_and_the_devices_rules_offer_the_one_list(posts: Posts) -> None:
    world = posts.world
    register = world.client("checkpoint").get("/checkpoints/register/").content.decode()
    for word in WORDS:
        assert f'name="occ-0-symptoms" value="{word}"' in register
    rules = Client().get("/api/v1/reference/checkpoint-rules").json()
    assert rules["symptoms"] == list(WORDS)
    assert rules["symptom_labels"]["呼吸困难"] == "呼吸困难"
    english = Client().get("/api/v1/reference/checkpoint-rules", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["symptoms"] == list(WORDS)  # what is stored does not change with language
    assert english["symptom_labels"]["咳嗽"] == "Cough"
    assert english["symptom_labels"]["嗅觉味觉减退"] == "Loss of smell or taste"
    cases = quarantined_pair(world)
    visit = world.client("followup").get(f"/cases/{cases.a.pk}/followup/").content.decode()
    for code in CODES:
        assert f'value="{code}"' in visit


def test_a_passage_stores_a_symptom_the_follow_up_list_brought(posts: Posts) -> None:
    client = posts.world.client("checkpoint")
    data = body()
    data["occupants"][2]["symptoms"] = ["肌肉酸痛", "咳嗽"]  # type: ignore[index]
    response = post(client, data)
    assert response.status_code == 201, response.content  # type: ignore[attr-defined]
    occupant = Occupant.objects.get(person__name="陈刚")
    assert occupant.symptoms == ["肌肉酸痛", "咳嗽"]
    assert "自述症状：肌肉酸痛、咳嗽" in json.dumps(occupant.flags, ensure_ascii=False)


def test_a_passage_refuses_a_word_off_the_list_naming_the_occupant(posts: Posts) -> None:
    data = body()
    data["occupants"][2]["symptoms"] = ["cough"]  # type: ignore[index]
    response = post(posts.world.client("checkpoint"), data)
    assert response.status_code == 422  # type: ignore[attr-defined]
    detail = response.json()["detail"]  # type: ignore[attr-defined]
    assert {"field": "occupants.2.symptoms", "msg": "第3位乘车人症状：未知症状“cough”"} in detail


def test_a_follow_up_records_fever_declared_from_the_one_list(posts: Posts) -> None:
    world = posts.world
    cases = quarantined_pair(world)
    response = world.client("followup").post(
        f"/api/v1/cases/{cases.a.pk}/followups",
        json.dumps(
            {
                "temperature": 36.5,
                "symptoms": ["fever", "short_breath"],
                "at_home": True,
                "visited_at": clock.now().isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert FollowUp.objects.get().symptoms == ["fever", "short_breath"]
    assert Alert.objects.get(kind="symptom").detail == "症状：发热、呼吸困难"
