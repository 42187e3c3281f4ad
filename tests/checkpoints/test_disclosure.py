"""The disclosure rule on the checkpoint pages and API: a person registered at a checkpoint,
as the checkpoint officer, the working group and the command centre see them."""

from __future__ import annotations

import pytest

from fangkong.core.models import AuditEntry
from fangkong.people.models import Person
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_passages import WUHAN, occ, register
from tests.disclosure import assert_discloses_little, birth_date_renderings, json_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["checkpoint", "workgroup", "command"])
def test_passage_pages_and_api_leave_10000_candidates(posts: Posts, who: str) -> None:
    passage, _ = register(posts, occ(id_number=WUHAN, name="赵敏", phone="13900001111"))
    person = Person.objects.get(id_number=WUHAN)
    assert person.birth_date is not None
    client = posts.world.client(who)
    urls = [
        "/checkpoints/passages/",
        f"/checkpoints/passages/{passage.pk}/",
        f"/checkpoints/passages/{passage.pk}/trajectory/0/",
    ]
    api_urls = ["/api/v1/passages"]
    if who == "checkpoint":
        # A checkpoint reads its own registrations, never people's records.
        for url in (f"/people/{person.pk}/", "/people/", "/api/v1/persons"):
            assert client.get(url).status_code == 403, url
    else:
        urls += [
            f"/people/{person.pk}/",
            "/people/",
            f"/checkpoints/trajectory/person/{person.pk}/",
        ]
        api_urls += ["/api/v1/persons", f"/api/v1/persons/{person.pk}"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "赵" in text, url
        assert_discloses_little(text, person)
        assert not any(r in text for r in birth_date_renderings(person.birth_date)), url
    for url in api_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = json_text(response.json())
        assert_discloses_little(text, person)
        assert not any(r in text for r in birth_date_renderings(person.birth_date)), url
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_the_passage_search_is_no_tail_oracle(posts: Posts) -> None:
    register(posts, occ(id_number=WUHAN, name="赵敏", phone="13900001111"))
    client = posts.world.client("workgroup")
    for q in ("01111", "1111", WUHAN[-6:], WUHAN[:16]):
        assert "赵敏" not in client.get("/checkpoints/passages/", {"q": q}).content.decode(), q
    for q in (WUHAN, WUHAN[:17]):
        assert "赵敏" in client.get("/checkpoints/passages/", {"q": q}).content.decode(), q
