"""The sixth attack: a checkpoint typed another station's person's ID number at a passage,
decided 移交医疗, and read that person's record through the hand-over — the name and
address on file, the phone's tail, the case and its station, the origin on file, the
receiving clinic of their township. It sees what it recorded: the name as typed, the
destination and origin it gave (medical.selectors.Subject). Those who may see the person
(their station, the command, the receiving clinic) keep seeing the record."""

from __future__ import annotations

import datetime
import io
import json
import uuid

import pytest
from django.test import Client
from docx import Document

from fangkong.checkpoints.models import Occupant
from fangkong.core import clock
from fangkong.medical.models import Handoff, MedicalInstitution
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import QuarantineCase
from tests.conftest import signed_in
from tests.medical.conftest import TODAY, County

TYPED = "某某"


def _on_file_case(county: County) -> QuarantineCase:
    """赵丽 (泗店镇西杨村5组8号, 13953805678, 泗店派出所's), verified in home quarantine."""
    w = county.world
    case, _ = quarantine.case_refer(
        person=w.person_b,
        source="station",
        by=None,
        arrival_date=TODAY - datetime.timedelta(days=3),
    )
    return quarantine.case_verify(
        case=case, by=w.users["station_b"], finding="at_home", measure="home", at=clock.now()
    )


def _typed_in(client: Client, county: County, *, destination: str = "堽城镇") -> Occupant:
    """The attack's step 1: the API, a made-up name beside the other station's person's
    ID number, a fever (移交医疗)."""
    data = {
        "client_id": str(uuid.uuid4()),
        "checkpoint": county.checkpoint.code,
        "direction": "in",
        "occurred_at": (clock.now() - datetime.timedelta(minutes=5)).isoformat(),
        "plate": "鲁J12345",
        "vehicle_type": "car",
        "occupants": [
            {
                "name": TYPED,
                "id_number": county.world.person_b.id_number,
                "temperature": 38.5,
                "origin": "武汉",
                "destination": destination,
            }
        ],
    }
    made = client.post("/api/v1/passages", json.dumps(data), content_type="application/json")
    assert made.status_code == 201, made.content
    occupant = Occupant.objects.get(passage_id=made.json()["id"])
    assert occupant.decision == "medical" and occupant.person_id == county.world.person_b.pk
    return occupant


# What the person's record holds and the checkpoint did not type: the name, the township,
# village and house, the phone's tail as masked, the origin on file, the case's state and
# station, the clinic of their township.
ON_FILE = ("赵丽", "泗店", "西杨村", "5678", "湖北", "隔离中", "泗店派出所")


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _assert_recorded_only(text: str) -> None:
    for value in ON_FILE:
        assert value not in text, value
    assert TYPED in text


def test_a_checkpoint_sees_only_what_it_recorded_on_every_page_of_the_hand_over(
    county: County,
) -> None:
    w = county.world
    case = _on_file_case(county)
    client = w.client("checkpoint")
    occupant = _typed_in(client, county)
    assert occupant.case_id == case.pk  # joined the case on file

    listed = client.get("/medical/")
    assert listed.status_code == 200
    _assert_recorded_only(listed.content.decode())

    form = client.get(f"/medical/new/?occupant={occupant.pk}")
    assert form.status_code == 200
    page = form.content.decode()
    _assert_recorded_only(page)
    assert "堽城镇" in page and "武汉" in page  # the destination and origin as typed
    # The clinic of the destination it gave, not the one of the township on file.
    assert "堽城镇卫生院" in page and "泗店镇卫生院" not in page

    made = client.post("/medical/new/", {"occupant": occupant.pk})
    assert made.status_code == 302
    handoff = Handoff.objects.get()
    assert made["Location"] == f"/medical/{handoff.pk}/"
    assert handoff.institution == county.clinic_a and handoff.case_id == case.pk

    detail = client.get(f"/medical/{handoff.pk}/")
    assert detail.status_code == 200
    page = detail.content.decode()
    _assert_recorded_only(page)
    assert "隔离管控对象" not in page and f"/people/{w.person_b.pk}/" not in page

    for state in ("awaiting", "all"):
        _assert_recorded_only(client.get(f"/medical/?state={state}").content.decode())

    # The page that says what would be issued (a GET), then the receipt issued (a POST).
    _assert_recorded_only(client.get(f"/medical/{handoff.pk}/receipt.docx").content.decode())
    receipt = client.post(f"/medical/{handoff.pk}/receipt.docx")
    assert receipt.status_code == 200
    text = _docx_text(receipt.content)
    _assert_recorded_only(text)
    assert "到县内何处" in text and "堽城镇" in text and "武汉" in text
    assert "堽城镇卫生院" in text


def test_those_who_may_see_the_person_keep_seeing_the_record(county: County) -> None:
    w = county.world
    _on_file_case(county)
    occupant = _typed_in(w.client("checkpoint"), county)
    handoff_pk = w.client("checkpoint").post("/medical/new/", {"occupant": occupant.pk})
    handoff = Handoff.objects.get()
    assert handoff_pk.status_code == 302
    viewers = {
        "station_b": w.client("station_b"),  # the person's station
        "command": w.client("command"),
        "clinic": signed_in(county.medical_a),  # the receiving clinic's staff
    }
    for who, client in viewers.items():
        page = client.get(f"/medical/{handoff.pk}/").content.decode()
        assert "赵丽" in page and "泗店镇" in page and "西杨村" in page, who
        listed = client.get("/medical/?state=all").content.decode()
        assert "赵丽" in listed, who
        text = _docx_text(client.post(f"/medical/{handoff.pk}/receipt.docx").content)
        assert "赵丽" in text and "现住址" in text and "泗店镇西杨村" in text, who
    # The station in charge sees the case, its state and itself.
    page = viewers["station_b"].get(f"/medical/{handoff.pk}/").content.decode()
    assert "隔离中" in page and "泗店派出所" in page


def test_the_checkpoints_station_outside_the_persons_jurisdiction_sees_the_record_neither(
    county: County,
) -> None:
    """堽城派出所 runs the checkpoint (its occupants are in its queue) but 赵丽 is 泗店's:
    its hand-over form names her as typed; the hand-over the checkpoint made is not its."""
    w = county.world
    _on_file_case(county)
    occupant = _typed_in(w.client("checkpoint"), county)
    station = w.client("station_a")
    queue = station.get("/medical/").content.decode()
    assert f"occupant={occupant.pk}" in queue
    _assert_recorded_only(queue)
    _assert_recorded_only(station.get(f"/medical/new/?occupant={occupant.pk}").content.decode())
    w.client("checkpoint").post("/medical/new/", {"occupant": occupant.pk})
    handoff = Handoff.objects.get()
    assert station.get(f"/medical/{handoff.pk}/").status_code == 404
    # 泗店镇卫生院 is the clinic of the township on file, not the receiving one.
    assert signed_in(county.medical_b).get(f"/medical/{handoff.pk}/").status_code == 404


@pytest.mark.parametrize("destination", ["", "北京"])
def test_no_destination_in_the_county_goes_to_the_county_hospital(
    county: County, destination: str
) -> None:
    """Without a township it gave, the checkpoint's hand-over goes to the county's
    hospital: never the clinic of the township on file (泗店镇卫生院)."""
    w = county.world
    _on_file_case(county)
    client = w.client("checkpoint")
    occupant = _typed_in(client, county, destination=destination)
    page = client.get(f"/medical/new/?occupant={occupant.pk}").content.decode()
    hospital = MedicalInstitution.objects.get(kind="hospital")
    assert hospital.name in page and "泗店镇卫生院" not in page
    _assert_recorded_only(page)
    client.post("/medical/new/", {"occupant": occupant.pk})
    assert Handoff.objects.get().institution == hospital


def test_the_passage_page_says_referred_and_not_the_state_of_the_case_on_file(
    county: County,
) -> None:
    """The referral joined 泗店's case (隔离中): the checkpoint's passage page says it was
    referred, as the API's `referred` does, and not the state of someone else's case."""
    w = county.world
    _on_file_case(county)
    client = w.client("checkpoint")
    occupant = _typed_in(client, county)
    page = client.get(f"/checkpoints/passages/{occupant.passage_id}/").content.decode()
    assert "已移交隔离管控" in page and TYPED in page
    # (Its flags read the typed number's region, 湖北: what the checkpoint typed.)
    for value in ("赵丽", "西杨村", "5678", "隔离中", "待核查", "泗店派出所"):
        assert value not in page, value
    # The command, who may open the case, sees its number, state and station.
    page = w.client("command").get(f"/checkpoints/passages/{occupant.passage_id}/")
    assert f"对象编号{occupant.case_id}（隔离中）泗店派出所" in page.content.decode()
