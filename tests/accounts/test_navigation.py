from __future__ import annotations

import pytest

from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_only_the_closest_menu_item_is_highlighted(world: World) -> None:
    page = world.client("followup").get("/cases/today/").content.decode()
    nav = page.split('<nav class="fk-nav"')[1].split("</nav>")[0]
    assert nav.count('class="active"') == 1
    assert 'href="/cases/today/" class="active"' in nav
