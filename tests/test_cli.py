from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.accounts.models import User

FANGKONG = Path(sys.executable).with_name("fangkong")


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of an officer's shell: production settings, no test overrides."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.pop("FANGKONG_DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' event loop
    env.update(extra)
    return env


def test_help_lists_the_commands_in_plain_words() -> None:
    out = subprocess.run(
        [str(FANGKONG), "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("demo", "init", "serve", "createuser", "check"):
        assert f"  {command}" in out
    assert "建立演示县数据库" in out
    assert "Build the demo county" in out


def test_init_is_idempotent_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    env = cli_env(
        FANGKONG_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", FANGKONG_VAR_DIR=str(tmp_path)
    )
    first = subprocess.run(
        [str(FANGKONG), "init", "--no-static"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "新增基础数据 19 条" in first  # the key area, 13 townships, 5 designated hospitals
    again = subprocess.run(
        [str(FANGKONG), "init", "--no-static"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "新增基础数据 0 条" in again


def test_check_deploy_names_what_production_still_needs(tmp_path: Path) -> None:
    env = cli_env(FANGKONG_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [str(FANGKONG), "check", "--deploy"], env=env, capture_output=True, text=True
    )
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr
    assert "fangkong.W002" in result.stdout + result.stderr  # the audit key beside the data
    assert "fangkong.W004" in result.stdout + result.stderr  # the TOTP secrets' key too
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "audit_key").write_text("a-key-kept-apart-" + "q" * 40)
    (tmp_path / "etc" / "mfa_key").write_text("another-key-kept-apart-" + "m" * 40)
    env.update(
        {
            "FANGKONG_HTTPS": "true",
            "FANGKONG_SSL_REDIRECT": "true",
            "FANGKONG_SECRET_KEY": "x" * 60 + "-long-random-production-secret-!@#$%^&*()",
            "FANGKONG_ALLOWED_HOSTS": "fangkong.gaj.local",
            "FANGKONG_AUDIT_KEY_FILE": str(tmp_path / "etc" / "audit_key"),
            "FANGKONG_MFA_KEY_FILE": str(tmp_path / "etc" / "mfa_key"),
        }
    )
    # Behind TLS means behind nginx: without it on the trusted list every client is nginx.
    proxy = subprocess.run(
        [str(FANGKONG), "check", "--deploy"], env=env, capture_output=True, text=True
    )
    assert "FANGKONG_TRUSTED_PROXIES" in proxy.stdout + proxy.stderr
    env["FANGKONG_TRUSTED_PROXIES"] = "127.0.0.1"
    ok = subprocess.run(
        [str(FANGKONG), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # A city's installation still named after the seed county.
    city = subprocess.run(
        [str(FANGKONG), "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, "FANGKONG_AREA_CODE": "3709"},
        capture_output=True,
        text=True,
    )
    assert city.returncode != 0 and "fangkong.W005" in city.stdout + city.stderr
    named = subprocess.run(
        [str(FANGKONG), "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, "FANGKONG_AREA_CODE": "3709", "FANGKONG_BUREAU_NAME": "泰安市公安局"},
        capture_output=True,
        text=True,
    )
    assert named.returncode == 0, named.stdout + named.stderr
    # A wrong entry stops the server at start instead of trusting nothing (or everything).
    env["FANGKONG_TRUSTED_PROXIES"] = "127.0.0.1,nginx.local"
    bad = subprocess.run(
        [str(FANGKONG), "check", "--deploy"], env=env, capture_output=True, text=True
    )
    assert bad.returncode != 0 and "nginx.local" in bad.stderr


@pytest.mark.django_db
def test_createuser_with_role_and_unit(world: object) -> None:
    call_command(
        "createuser",
        "wangwu",
        role="station",
        unit="堽城派出所",
        name="王五",
        password="Ningyang#Safe2020",
    )
    user = User.objects.get(username="wangwu")
    assert user.role == "station" and user.unit is not None and user.unit.name == "堽城派出所"
    with pytest.raises(CommandError, match="派出所角色须指定所属单位"):
        call_command("createuser", "zhaoliu", role="station", password="Ningyang#Safe2020")
    with pytest.raises(CommandError, match="未找到"):
        call_command(
            "createuser",
            "qianqi",
            role="station",
            unit="不存在派出所",
            password="Ningyang#Safe2020",
        )
