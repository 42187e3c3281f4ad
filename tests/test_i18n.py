"""Every user-facing string is translated to English, and the compiled catalogues are current.

Needs GNU gettext (msgfmt, xgettext), which .ci/run installs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
LOCALE = SRC / "fangkong" / "locale"

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None and not os.environ.get("CI"),
    reason="GNU gettext is not installed (CI installs it)",
)


def msgids(po: Path) -> set[str]:
    text = po.read_text(encoding="utf-8")
    ids = set()
    for block in text.split("\n\n"):
        m = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if m:
            value = "".join(re.findall(r'"(.*)"', m.group(1)))
            if value:
                ids.add(value)
    return ids


@needs_gettext
@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_catalogue_is_complete_and_compiled(lang: str, tmp_path: Path) -> None:
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert untranslated.strip() == "", f"untranslated strings in {po}:\n{untranslated[:2000]}"
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", str(po)], capture_output=True, text=True, check=True
    ).stdout
    assert fuzzy.strip() == "", f"fuzzy strings in {po}"
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(po)], check=True, capture_output=True
    )
    assert compiled.read_bytes() == (po.with_suffix(".mo")).read_bytes(), (
        f"{po.with_suffix('.mo')} is stale: run `make messages`"
    )


@needs_gettext
def test_every_string_in_the_code_is_in_the_english_catalogue(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(
        SRC / "fangkong", copy / "fangkong", ignore=shutil.ignore_patterns("__pycache__", "static")
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(copy),
        "DJANGO_SETTINGS_MODULE": "fangkong.settings",
        "FANGKONG_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("FANGKONG_DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "en",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy / "fangkong",
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = msgids(copy / "fangkong" / "locale" / "en" / "LC_MESSAGES" / "django.po")
    committed = msgids(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    missing = sorted(extracted - committed)
    assert not missing, (
        f"strings not in the English catalogue (run `make messages`): {missing[:20]}"
    )
