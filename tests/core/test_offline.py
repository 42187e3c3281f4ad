"""Which pages the service worker may keep: registered ones only, by their URL pattern
(a case's follow-up form for any case, nothing beyond), never a pattern spanning segments."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client, override_settings

from fangkong.core.offline import offline_page_patterns, page_pattern


def test_a_page_with_an_argument_matches_exactly_its_own_paths() -> None:
    pattern = re.compile(page_pattern("followup_create"))
    assert pattern.match("/cases/12/followup/")
    for other in (
        "/cases/12/followup/x",
        "/cases/abc/followup/",
        "/cases/12/",
        "/x/cases/12/followup/",
    ):
        assert not pattern.match(other), other
    assert page_pattern("home") == "^(?:/)$"


def test_registered_pages_are_the_offline_ones() -> None:
    patterns = offline_page_patterns()
    kept = [p for p in ("/", "/checkpoints/register/", "/cases/today/", "/cases/7/followup/")]
    assert all(any(re.match(p, path) for p in patterns) for path in kept)
    for private in ("/cases/7/", "/people/", "/checkpoints/passages/3/", "/cases/7/release/"):
        assert not any(re.match(p, private) for p in patterns), private


@override_settings(ROOT_URLCONF="tests.core.offline_urls")
def test_an_argument_spanning_segments_is_refused() -> None:
    with pytest.raises(ValueError, match="may span segments"):
        page_pattern("any_file")
    with pytest.raises(ValueError, match="no such URL name"):
        page_pattern("nowhere")


@pytest.mark.django_db
def test_the_service_worker_knows_the_pages_assets_and_data() -> None:
    sw = Client().get("/sw.js").content.decode()
    pages = json.loads(re.search(r"const PAGES = (\[.*?\])\.map", sw).group(1))  # type: ignore[union-attr]
    assert pages == offline_page_patterns()
    for asset in (
        "/static/checkpoints/register.js",
        "/static/quarantine/followup.js",
        "/static/checkpoints/checkpoints.css",
        "/static/fangkong/quarantine.css",
    ):
        assert asset in sw
    assert '"/api/v1/reference/checkpoint-rules"' in sw
    assert "此页面没有保存在本机" in sw  # what a phone shows for a page it never kept
