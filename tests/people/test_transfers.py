"""Jurisdiction of writes: a known ID number never hands another station's person over.

A station that registers (or edits to) an ID number already on file in another
jurisdiction is told so, sees none of that person's data, and may ask for a transfer,
which the owning station (or the command centre) accepts or declines, audited both ways.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fangkong.accounts.services import user_create
from fangkong.core.idnumber import make_id_number
from fangkong.core.models import AuditEntry
from fangkong.org import services as org_services
from fangkong.org.models import Township, Unit
from fangkong.people.models import Person, TransferRequest
from fangkong.people.services import PersonInput, person_register
from tests.conftest import PASSWORD, World
from tests.pages import form_data

pytestmark = pytest.mark.django_db

ELSEWHERE = "该证件号码已在其他单位辖区登记"
TRANSFER = "/people/transfers/new/"


def _b_as_on_file(world: World) -> tuple[str, str, int | None, int | None, str, int]:
    p = Person.objects.get(pk=world.person_b.pk)
    return (p.name, p.phone, p.township_id, p.village_id, p.address_detail, p.version)


def _register_b_as_a(world: World, client: Client | None = None) -> str:
    client = client or world.client("station_a")
    r = client.post(
        "/people/new/",
        {
            "name": "赵丽",
            "doc_type": "id_card",
            "id_number": world.person_b.id_number,
            "phone": "13700000001",
            "township": world.township_a.pk,
            "village": world.village_a.pk,
            "address_detail": "7组1号",
        },
    )
    assert r.status_code == 200, r.get("Location")
    return r.content.decode()


def _request(world: World, reason: str = "本人已搬到堽城镇居住") -> TransferRequest:
    client = world.client("station_a")
    page = _register_b_as_a(world, client)
    data = {**form_data(page, TRANSFER), "reason": reason}
    r = client.post(TRANSFER, data)
    assert r.status_code == 302, r.content.decode()[-2000:]
    return TransferRequest.objects.get()


def _station_c(world: World) -> Client:
    station_c = org_services.unit_create(
        name="磁窑派出所", kind=Unit.Kind.STATION, parent=world.bureau, by=None
    )
    township = Township.objects.exclude(pk__in=[world.township_a.pk, world.township_b.pk])[0]
    township.station = station_c
    township.save()
    user = user_create(
        username="station_c", password=PASSWORD, role="station", unit=station_c, by=None,
        check_password=False,
    )  # fmt: skip
    client = Client()
    client.force_login(user)
    return client


# --- Registering a known ID number ------------------------------------------------------


def test_registering_another_stations_id_number_takes_nothing_and_shows_nothing(
    world: World,
) -> None:
    before = _b_as_on_file(world)
    page = _register_b_as_a(world)
    assert ELSEWHERE in page and "申请移交" in page
    # None of the person on file: not the name as stored, the phone, the address, the
    # township they live in, nor their record's number.
    b = world.person_b
    for shown in ("13953805678", "5组8号", "泗店", "西杨村", f"/people/{b.pk}/", "5678"):
        assert shown not in page, shown
    assert _b_as_on_file(world) == before
    assert not AuditEntry.objects.filter(
        action="update", object_type="people.person", object_id=str(b.pk)
    ).exists()
    assert world.client("station_a").get(f"/people/{b.pk}/").status_code == 404


def test_the_service_refuses_for_every_caller_outside_the_persons_jurisdiction(
    world: World,
) -> None:
    data = PersonInput(name="赵丽", id_number=str(world.person_b.id_number), phone="13700000001")
    with pytest.raises(ValidationError) as info:
        person_register(data=data, by=world.users["station_a"])
    assert info.value.message_dict["id_number"] == [ELSEWHERE]
    assert Person.objects.get(pk=world.person_b.pk).phone == "13953805678"
    # The owning station and the command centre keep the person up to date.
    person, created = person_register(data=data, by=world.users["station_b"])
    assert not created and person.pk == world.person_b.pk and person.phone == "13700000001"
    data.phone = "13700000002"
    person, _created = person_register(data=data, by=world.users["command"])
    assert person.phone == "13700000002"


def test_a_station_registers_people_only_in_its_own_area(world: World) -> None:
    number = make_id_number("370921", datetime.date(1990, 1, 1), 5, "M")
    client = world.client("station_a")
    form = client.get("/people/new/").content.decode()
    assert "堽城镇" in form and "泗店镇" not in form  # only its own townships to choose
    r = client.post(
        "/people/new/",
        {"name": "王五", "doc_type": "id_card", "id_number": number,
         "township": world.township_b.pk, "village": world.village_b.pk},
    )  # fmt: skip
    assert r.status_code == 200 and not Person.objects.filter(id_number=number).exists()
    with pytest.raises(ValidationError) as info:
        person_register(
            data=PersonInput(name="王五", id_number=number, township=world.township_b),
            by=world.users["station_a"],
        )
    assert "本单位辖区" in info.value.message_dict["township"][0]
    r = client.post(
        "/people/new/",
        {"name": "王五", "doc_type": "id_card", "id_number": number,
         "township": world.township_a.pk, "village": world.village_a.pk},
    )  # fmt: skip
    assert r.status_code == 302
    assert client.get(r["Location"]).status_code == 200


def test_editing_to_another_stations_id_number_names_no_record(world: World) -> None:
    client = world.client("station_a")
    page = f"/people/{world.person_a.pk}/edit/"
    data = form_data(client.get(page).content.decode())
    html = client.post(page, {**data, "id_number": world.person_b.id_number}).content.decode()
    assert ELSEWHERE in html and "申请移交" in html
    assert f"编号{world.person_b.pk}" not in html and "赵丽" not in html
    world.person_a.refresh_from_db()
    assert world.person_a.id_number != world.person_b.id_number


# --- The transfer request -----------------------------------------------------------------


def test_the_owning_station_accepts_and_the_person_moves(world: World) -> None:
    req = _request(world)
    assert req.status == TransferRequest.Status.PENDING
    assert (req.person_id, req.to_township_id, req.to_village_id, req.to_address) == (
        world.person_b.pk, world.township_a.pk, world.village_a.pk, "7组1号",
    )  # fmt: skip
    created = AuditEntry.objects.get(action="create", object_type="people.transferrequest")
    assert created.actor == world.users["station_a"]
    # The requester sees the request, not the person.
    mine = world.client("station_a").get("/people/transfers/").content.decode()
    assert "待处理" in mine and "赵丽" in mine and "13953805678" not in mine
    # The owner: a count on the home page, the list, the person's page.
    owner = world.client("station_b")
    assert "移交申请" in owner.get("/").content.decode()
    listing = owner.get("/people/transfers/").content.decode()
    assert "堽城派出所" in listing and "本人已搬到堽城镇居住" in listing
    person_page = owner.get(f"/people/{world.person_b.pk}/").content.decode()
    assert "申请移交" in person_page and f"/people/transfers/{req.pk}/" in person_page
    r = owner.post(f"/people/transfers/{req.pk}/decide/", {"decision": "accept"})
    assert r.status_code == 302
    person = Person.objects.get(pk=world.person_b.pk)
    assert (person.township_id, person.village_id, person.address_detail) == (
        world.township_a.pk, world.village_a.pk, "7组1号",
    )  # fmt: skip
    assert person.phone == "13953805678"  # a transfer moves the person, nothing else
    req.refresh_from_db()
    assert (
        req.status == TransferRequest.Status.ACCEPTED and req.decided_by == world.users["station_b"]
    )
    decided = AuditEntry.objects.get(action="update", object_type="people.transferrequest")
    assert decided.actor == world.users["station_b"]
    assert decided.changes["status"] == ["pending", "accepted"]
    moved = AuditEntry.objects.filter(
        action="update", object_type="people.person", object_id=str(person.pk)
    ).get()
    assert set(moved.changes) >= {"township", "village", "address_detail"}
    # Now the requester's person, and no longer the old owner's.
    assert world.client("station_a").get(f"/people/{person.pk}/").status_code == 200
    assert owner.get(f"/people/{person.pk}/").status_code == 404
    outcome = world.client("station_a").get(f"/people/transfers/{req.pk}/").content.decode()
    assert "已同意" in outcome and f"/people/{person.pk}/" in outcome


def test_the_owning_station_declines_with_a_reason(world: World) -> None:
    req = _request(world)
    owner = world.client("station_b")
    url = f"/people/transfers/{req.pk}/decide/"
    refused = owner.post(url, {"decision": "decline", "reason": ""})
    assert refused.status_code == 200 and "不同意的理由" in refused.content.decode()
    req.refresh_from_db()
    assert req.status == TransferRequest.Status.PENDING
    assert (
        owner.post(url, {"decision": "decline", "reason": "经核实仍在泗店镇居住"}).status_code
        == 302
    )
    req.refresh_from_db()
    assert req.status == TransferRequest.Status.DECLINED
    assert _b_as_on_file(world)[2] == world.township_b.pk
    decided = AuditEntry.objects.get(action="update", object_type="people.transferrequest")
    assert decided.changes["status"] == ["pending", "declined"]
    seen = world.client("station_a").get(f"/people/transfers/{req.pk}/").content.decode()
    assert "不同意" in seen and "经核实仍在泗店镇居住" in seen
    assert f"/people/{world.person_b.pk}/" not in seen
    # Decided once: a second decision is refused.
    again = owner.post(url, {"decision": "accept"})
    assert again.status_code == 200 and "已处理" in again.content.decode()


def test_only_the_owner_or_command_decides_and_other_ids_are_not_found(world: World) -> None:
    req = _request(world)
    url = f"/people/transfers/{req.pk}/decide/"
    # The requester cannot decide their own request.
    assert world.client("station_a").post(url, {"decision": "accept"}).status_code == 404
    # A third station neither sees nor decides it.
    third = _station_c(world)
    assert third.get(f"/people/transfers/{req.pk}/").status_code == 404
    assert third.post(url, {"decision": "accept"}).status_code == 404
    assert "赵丽" not in third.get("/people/transfers/").content.decode()
    # Roles without people.edit are refused outright.
    assert world.client("workgroup").get("/people/transfers/").status_code == 403
    for pk in (req.pk + 1, 2**63 - 1):
        assert world.client("station_b").get(f"/people/transfers/{pk}/").status_code == 404
    req.refresh_from_db()
    assert req.status == TransferRequest.Status.PENDING
    # A request the other way round: station_b cannot decide what is addressed to station_a.
    world.client("station_b").post(
        "/people/new/",
        {"name": "张三", "doc_type": "id_card", "id_number": world.person_a.id_number,
         "township": world.township_b.pk},
    )  # fmt: skip
    from fangkong.people.services import TransferInput, transfer_request

    back = transfer_request(
        data=TransferInput(
            id_number=str(world.person_a.id_number),
            name="张三",
            township=world.township_b,
            reason="搬家",
        ),
        by=world.users["station_b"],
    )
    assert (
        world.client("station_b")
        .post(f"/people/transfers/{back.pk}/decide/", {"decision": "accept"})
        .status_code
        == 404
    )
    # The command centre decides any.
    command = world.client("command")
    assert command.post(url, {"decision": "decline", "reason": "待核实"}).status_code == 302
    req.refresh_from_db()
    assert (
        req.status == TransferRequest.Status.DECLINED and req.decided_by == world.users["command"]
    )


def test_a_request_needs_a_reason_a_place_of_ones_own_and_a_known_number(world: World) -> None:
    from fangkong.people.services import TransferInput, transfer_request

    by = world.users["station_a"]
    number = str(world.person_b.id_number)
    with pytest.raises(ValidationError) as info:
        transfer_request(
            data=TransferInput(id_number=number, name="赵丽", township=world.township_a),
            by=by,
        )
    assert "理由" in info.value.message_dict["reason"][0]
    with pytest.raises(ValidationError) as info:
        transfer_request(
            data=TransferInput(
                id_number=number, name="赵丽", township=world.township_b, reason="x"
            ),
            by=by,
        )
    assert "本单位辖区" in info.value.message_dict["township"][0]
    unknown = make_id_number("370921", datetime.date(1991, 1, 1), 5, "M")
    with pytest.raises(ValidationError) as info:
        transfer_request(
            data=TransferInput(
                id_number=unknown, name="无名", township=world.township_a, reason="x"
            ),
            by=by,
        )
    assert "尚未登记" in info.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as info:
        transfer_request(
            data=TransferInput(
                id_number=str(world.person_a.id_number), name="张三",
                township=world.township_a, reason="x",
            ),
            by=by,
        )  # fmt: skip
    assert "本单位辖区" in info.value.message_dict["id_number"][0]
    first = transfer_request(
        data=TransferInput(id_number=number, name="赵丽", township=world.township_a, reason="x"),
        by=by,
    )
    with pytest.raises(ValidationError) as info:
        transfer_request(
            data=TransferInput(
                id_number=number, name="赵丽", township=world.township_a, reason="y"
            ),
            by=by,
        )
    assert "已申请移交" in info.value.messages[0]
    assert TransferRequest.objects.get() == first


def test_a_declined_request_names_the_deciding_unit_not_its_officer(world: World) -> None:
    """The third attack (2026-12-04): the requester read the deciding officer's name on
    their declined request. Each side learns the other's unit; an officer's name only their
    own unit's colleagues read. The reason is addressed to the requester, and the form says so."""
    from fangkong.accounts.models import User

    User.objects.filter(pk=world.users["station_b"].pk).update(display_name="李娜")
    User.objects.filter(pk=world.users["station_a"].pk).update(display_name="王伟")
    req = _request(world)
    owner = world.client("station_b")
    form = owner.get(f"/people/transfers/{req.pk}/").content.decode()
    assert "处理意见（申请单位可见）" in form and "不写其他人员的个人信息" in form
    # The owner reads the requesting unit, not the officer who asked.
    assert "堽城派出所" in form and "王伟" not in form
    owner.post(
        f"/people/transfers/{req.pk}/decide/",
        {"decision": "decline", "reason": "经核实仍在泗店镇居住"},
    )
    seen = world.client("station_a").get(f"/people/transfers/{req.pk}/").content.decode()
    assert "不同意" in seen and "泗店派出所" in seen and "经核实仍在泗店镇居住" in seen
    assert "李娜" not in seen and "station_b" not in seen
    listing = world.client("station_a").get("/people/transfers/").content.decode()
    assert "李娜" not in listing and "station_b" not in listing
    # The deciding station's colleagues read who decided.
    assert "李娜" in owner.get(f"/people/transfers/{req.pk}/").content.decode()


def test_a_decision_other_than_the_two_buttons_is_named_on_the_page(world: World) -> None:
    """The seventh attack (2026-12-04), low: decision=maybe re-rendered the page with an
    empty error."""
    req = _request(world)
    owner = world.client("station_b")
    for sent in ({"decision": "maybe"}, {}):
        page = owner.post(f"/people/transfers/{req.pk}/decide/", sent)
        assert page.status_code == 200
        html = page.content.decode()
        assert "处理：" in html and "“同意移交”或“不同意移交”" in html


def test_the_seventh_attack_a_decision_sent_twice_is_refused_naming_it(world: World) -> None:
    """`decision=accept&decision=decline`: Django read the last one (declined); a field of
    one value sent twice is refused naming it (core.forms.NamedErrorsForm), nothing decided."""
    req = _request(world)
    owner = world.client("station_b")
    r = owner.post(
        f"/people/transfers/{req.pk}/decide/",
        "decision=accept&decision=decline&reason=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 200
    assert "处理只能填写一个值，却提交了2个" in r.content.decode()
    req.refresh_from_db()
    assert req.status == TransferRequest.Status.PENDING
