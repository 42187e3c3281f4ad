"""Two-factor sign-in (等保2.0 第三级 身份鉴别: two kinds of proof for administrators and the
command roles): the second step, enrolment, recovery codes, the user's own settings and the
administrator's audited reset — driven through the pages as a user or an attacker would,
with the codes a phone would show computed from the device's key."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts import mfa
from fangkong.accounts.models import LoginFailure, RecoveryCode, User
from fangkong.accounts.signin import NEEDS_CODE, STATE
from fangkong.core.models import AuditEntry
from tests.conftest import PASSWORD, World, enrol, next_code

pytestmark = pytest.mark.django_db

# 2020-02-03 08:00:00 Beijing: the tests' fixed instant for checks of time steps.
T = 1580688000.0


def password_step(username: str, client: Client | None = None) -> Client:
    client = client or Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def entries(action: str, user: User) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, object_id=str(user.pk)).order_by("pk"))


# --- roles that require a second factor --------------------------------------------------


@pytest.mark.parametrize("who", ["command", "admin"])
def test_the_password_alone_opens_nothing_for_a_role_that_requires_a_second_factor(
    world: World, who: str
) -> None:
    client = password_step(who)
    for path in ("/", "/people/", "/audit/", "/admin/", "/account/2fa/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/2fa/enrol/"), path
    # The API treats the half-signed-in session as not signed in.
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/persons").status_code == 401
    page = client.get("/account/2fa/enrol/").content.decode()
    assert "您的角色登录时必须进行二次验证" in page
    assert 'data-signed-in="1"' not in page  # no offline copy of pages, no menu
    assert "/people/" not in page


def test_enrolment_through_the_page_scanning_the_code(world: World) -> None:
    user = world.users["command"]
    client = password_step("command")
    page = client.get("/account/2fa/enrol/?next=/people/")
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "<svg" in html  # the QR code, drawn by us, inline: no request leaves the intranet
    secret = re.search(r'data-testid="mfa-secret">([A-Z2-7 ]+)<', html).group(1)  # type: ignore[union-attr]
    assert len(secret.split()) == 8  # 32 base32 letters in groups of four, for typing
    key = mfa.base64.b32decode(secret.replace(" ", "")).hex()
    # A wrong code first: said plainly, nothing bound.
    wrong = client.post("/account/2fa/enrol/", {"code": "000000"}).content.decode()
    assert "验证码不正确" in wrong and "30秒" in wrong
    assert not TOTPDevice.objects.filter(user=user).exists()
    done = client.post("/account/2fa/enrol/", {"code": mfa.totp_code(key), "next": "/people/"})
    assert "no-store" in done["Cache-Control"]
    codes = re.findall(r"<code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "恢复码只显示这一次" in done.content.decode()
    # Only digests are kept.
    stored = list(RecoveryCode.objects.filter(user=user).values_list("digest", flat=True))
    assert len(stored) == 10
    for code in codes:
        plain = code.replace("-", "")
        assert not any(plain in d or code in d for d in stored)
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and mfa.device_secret(device) == key
    assert client.get("/people/").status_code == 200
    assert client.get("/api/v1/me").json()["username"] == "command"
    assert entries("mfa_enrol", user)[-1].changes == {"recovery_codes": 10}


def test_a_user_with_a_device_gives_its_code_after_the_password(world: World) -> None:
    user = world.users["station_a"]  # optional for the role; chosen by this user
    enrol(user)
    client = password_step("station_a")
    before = client.cookies["sessionid"].value
    response = client.get("/people/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/login/verify/?next=%2Fpeople%2F%3Fq%3Dx"
    assert client.get("/api/v1/me").status_code == 401
    # Neither can the enrolment page be used to bind another phone instead.
    assert client.get("/account/2fa/enrol/")["Location"].startswith("/login/verify/")
    page = client.get("/login/verify/?next=/people/").content.decode()
    assert "请输入手机验证器上当前显示的6位数字" in page
    bad = client.post("/login/verify/", {"code": "123456", "next": "/people/"})
    assert bad.status_code == 200
    assert "验证码错误或已使用过" in bad.content.decode()
    assert LoginFailure.objects.filter(username="station_a").count() == 1
    assert entries("mfa_failed", user)[-1].changes == {"reason": "wrong_code"}
    ok = client.post("/login/verify/", {"code": next_code(user), "next": "/people/"})
    assert ok.status_code == 302 and ok["Location"] == "/people/"
    assert client.cookies["sessionid"].value != before  # a new session id once trusted
    assert client.session[STATE] == "verified"
    assert client.get("/people/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert entries("mfa_ok", user)[-1].changes == {"method": "totp"}
    assert not LoginFailure.objects.filter(username="station_a").exists()


def test_a_code_works_once(world: World) -> None:
    user = world.users["station_a"]
    enrol(user)
    code = next_code(user)
    first = password_step("station_a")
    assert first.post("/login/verify/", {"code": code})["Location"] == "/"
    # Someone who saw the code over the shoulder, with the password, a second later:
    second = password_step("station_a")
    refused = second.post("/login/verify/", {"code": code})
    assert refused.status_code == 200
    assert "验证码错误或已使用过" in refused.content.decode()


def test_one_step_of_clock_difference_is_tolerated_and_no_more(world: World) -> None:
    user = world.users["station_a"]
    key = enrol(user)
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # as if enrolled long before T
    check = mfa.second_factor_check
    # A phone 30 s behind, and (a later sign-in) 30 s ahead: accepted.
    assert check(user=user, code=mfa.totp_code(key, at=T - 30), ip=None, at=T).method == "totp"
    assert check(user=user, code=mfa.totp_code(key, at=T + 60), ip=None, at=T + 30).method
    # 60 s off either way: refused.
    for phone in (T + 120 - 60, T + 120 + 60):
        with pytest.raises(mfa.ValidationError):
            check(user=user, code=mfa.totp_code(key, at=phone), ip=None, at=T + 120)


def test_wrong_codes_lock_the_account_like_wrong_passwords(world: World) -> None:
    user = world.users["station_a"]
    enrol(user)
    client = password_step("station_a")
    for _ in range(4):
        page = client.post("/login/verify/", {"code": "000000"}).content.decode()
        assert "验证码错误" in page
    fifth = client.post("/login/verify/", {"code": "000000"}, follow=True)
    assert fifth.redirect_chain[-1][0] == "/login/"
    assert "已锁定15分钟" in fifth.content.decode()
    assert "_auth_user_id" not in client.session  # the half-signed-in session is over
    # The right password and the right code do not help until the lock ends.
    again = Client().post("/login/", {"username": "station_a", "password": PASSWORD})
    assert "已锁定15分钟" in again.content.decode()


def test_a_recovery_code_signs_in_once(world: World) -> None:
    user = world.users["command"]
    key = mfa.new_secret()
    codes = mfa.mfa_enrol(user=user, key=key, code=mfa.totp_code(key))
    client = password_step("command")
    used = codes[3].lower().replace("-", " ")  # as someone types it off paper
    ok = client.post("/login/verify/", {"code": used, "next": "/people/"}, follow=True)
    assert ok.redirect_chain[-1][0] == "/people/"
    assert "您使用了一个恢复码" in ok.content.decode() and "还剩9个" in ok.content.decode()
    assert entries("mfa_ok", user)[-1].changes == {
        "method": "recovery_code",
        "recovery_codes_left": 9,
    }
    again = password_step("command").post("/login/verify/", {"code": codes[3]})
    assert "验证码错误或已使用过" in again.content.decode()


def test_a_device_token_is_not_held_by_a_half_signed_in_session(world: World) -> None:
    import datetime

    from fangkong.checkpoints import services as cp_services

    cp = cp_services.checkpoint_create(
        code="G104N", name="G104宁阳北检查站", road="G104",
        opened_on=datetime.date(2020, 1, 26), unit=world.station_a, by=None,
    )  # fmt: skip
    user = world.users["checkpoint"]
    cp_services.checkpoint_post(user=user, checkpoint=cp, by=None)
    _token, raw = cp_services.token_create(checkpoint=cp, user=user, by=None)
    enrol(user)
    client = password_step("checkpoint")
    assert client.get("/api/v1/me").status_code == 401
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.status_code == 200 and me.json()["username"] == "checkpoint"


def test_an_htmx_request_of_a_half_signed_in_session_moves_the_whole_window(
    world: World,
) -> None:
    enrol(world.users["station_a"])
    client = password_step("station_a")
    response = client.get("/people/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/login/verify/")


def test_the_admin_sites_own_sign_in_also_needs_the_code(world: World) -> None:
    enrol(world.users["admin"])
    client = Client()
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/login/verify/")


def test_a_role_made_to_require_it_mid_session_is_held_at_the_next_request(
    world: World,
) -> None:
    client = password_step("station_a")
    assert client.get("/people/").status_code == 200
    User.objects.filter(pk=world.users["station_a"].pk).update(role="command")
    assert client.get("/people/")["Location"].startswith("/account/2fa/enrol/")


def test_enrolling_ends_the_users_other_sessions(world: World) -> None:
    user = world.users["station_a"]
    elsewhere = password_step("station_a")
    here = password_step("station_a")
    assert elsewhere.get("/people/").status_code == 200
    key = re.search(  # type: ignore[union-attr]
        r'data-testid="mfa-secret">([A-Z2-7 ]+)<', here.get("/account/2fa/enrol/").content.decode()
    ).group(1)
    hexkey = mfa.base64.b32decode(key.replace(" ", "")).hex()
    here.post("/account/2fa/enrol/", {"code": mfa.totp_code(hexkey)})
    assert here.get("/people/").status_code == 200
    assert elsewhere.get("/people/")["Location"].startswith("/login/")
    assert TOTPDevice.objects.filter(user=user).count() == 1


# --- the user's own settings -------------------------------------------------------------


def test_recovery_codes_renewed_with_a_current_code_replace_the_old(world: World) -> None:
    user = world.users["station_a"]
    key = mfa.new_secret()
    old = mfa.mfa_enrol(user=user, key=key, code=mfa.totp_code(key))
    client = world.client("station_a")
    page = client.get("/account/2fa/").content.decode()
    assert "已启用" in page and "未使用的恢复码：10个" in page
    bad = client.post("/account/2fa/codes/", {"codes-code": "000000"}).content.decode()
    assert "验证码错误" in bad
    new = client.post("/account/2fa/codes/", {"codes-code": next_code(user)}).content.decode()
    fresh = re.findall(r"<code>([A-Z2-9-]{14})</code>", new)
    assert len(fresh) == 10 and not set(fresh) & set(old)
    assert "原有的恢复码已全部作废" in new
    with pytest.raises(mfa.ValidationError):
        mfa.second_factor_check(user=user, code=old[0], ip=None)
    assert entries("mfa_codes", user)


def test_an_optional_user_may_stop_using_it_and_a_required_one_may_not(world: World) -> None:
    station = world.users["station_a"]
    enrol(station)
    client = world.client("station_a")
    done = client.post(
        "/account/2fa/disable/", {"action": "disable", "disable-code": next_code(station)}
    )
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=station).exists()
    assert not RecoveryCode.objects.filter(user=station).exists()
    assert client.get("/people/").status_code == 200  # the session goes on, password only
    assert entries("mfa_disable", station)[-1].changes == {"replacing": False}

    command = world.users["command"]
    enrol(command)
    leader = world.client("command")
    assert "停用二次验证" not in leader.get("/account/2fa/").content.decode()
    refused = leader.post(
        "/account/2fa/disable/",
        {"action": "disable", "disable-code": next_code(command)},
        follow=True,
    )
    assert "不能停用" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=command).exists()


def test_changing_phones_goes_straight_to_binding_the_new_one(world: World) -> None:
    command = world.users["command"]
    enrol(command)
    client = world.client("command")
    response = client.post(
        "/account/2fa/disable/", {"action": "replace", "replace-code": next_code(command)}
    )
    assert response["Location"] == "/account/2fa/enrol/"
    assert client.get("/people/")["Location"].startswith("/account/2fa/enrol/")
    assert entries("mfa_disable", command)[-1].changes == {"replacing": True}


# --- the administrator's reset -----------------------------------------------------------


def test_the_security_administrator_resets_a_lost_phone_with_a_reason(world: World) -> None:
    target = world.users["command"]
    enrol(target)
    theirs = world.client("command")  # a session on the lost phone, say
    assert theirs.get("/people/").status_code == 200
    admin = world.client("security")
    listing = admin.get("/account/2fa/reset/?q=comm").content.decode()
    assert "指挥长" in listing and f"/account/2fa/reset/{target.pk}/" in listing
    assert "station_a" not in listing
    empty = admin.post(f"/account/2fa/reset/{target.pk}/", {"reason": " "}).content.decode()
    assert "重置原因" in empty
    assert TOTPDevice.objects.filter(user=target).exists()
    done = admin.post(
        f"/account/2fa/reset/{target.pk}/", {"reason": "手机丢失，已电话确认"}, follow=True
    )
    assert "已重置指挥长的二次验证" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert not RecoveryCode.objects.filter(user=target).exists()
    # Every session of theirs is over; at the next sign-in they bind a phone again.
    assert theirs.get("/people/")["Location"].startswith("/login/")
    assert password_step("command").get("/")["Location"].startswith("/account/2fa/enrol/")
    entry = entries("mfa_reset", target)[-1]
    assert entry.actor_id == world.users["security"].pk
    assert entry.changes["reason"] == "手机丢失，已电话确认"
    assert entry.changes["had_second_factor"] is True


@pytest.mark.parametrize("who", ["command", "station_a", "checkpoint", "admin", "auditor"])
def test_only_the_security_administrator_may_reset(world: World, who: str) -> None:
    target = world.users["political"]
    enrol(target)
    client = world.client(who)
    assert client.get("/account/2fa/reset/").status_code == 403
    assert client.post(f"/account/2fa/reset/{target.pk}/", {"reason": "x"}).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()


def test_reset_from_the_command_line_is_audited(world: World) -> None:
    target = world.users["admin"]
    enrol(target)
    with pytest.raises(CommandError, match="重置原因"):
        call_command("otp", "reset", "admin", stdout=io.StringIO())
    out = io.StringIO()
    call_command("otp", "status", "admin", stdout=out)
    assert "已启用二次验证（该角色必须）" in out.getvalue()
    call_command("otp", "reset", "admin", "--reason", "唯一的管理员换了手机", stdout=out)
    assert "已重置 admin 的二次验证" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=target).exists()
    entry = entries("mfa_reset", target)[-1]
    assert entry.actor_id is None
    assert entry.changes["via"] == "cli" and "os_user" in entry.changes


def test_the_current_code_is_printed_only_for_the_demos_published_key(world: World) -> None:
    enrol(world.users["command"])
    with pytest.raises(CommandError, match="只能显示演示县账号"):
        call_command("otp", "code", "command", stdout=io.StringIO())
    from fangkong.core.demo import DEMO_TOTP_KEY

    mfa.mfa_enrol_demo(user=world.users["admin"], key=DEMO_TOTP_KEY)
    out = io.StringIO()
    call_command("otp", "code", "admin", stdout=out)
    assert out.getvalue().strip() in {
        mfa.totp_code(DEMO_TOTP_KEY, at=mfa.clock.system_now().timestamp() + d) for d in (-30, 0)
    }


def test_the_admin_site_never_shows_an_authenticators_secret(world: World) -> None:
    enrol(world.users["command"])
    admin = world.client("admin")
    assert admin.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert "otp_totp" not in admin.get("/admin/").content.decode()


def test_pending_state_survives_only_in_its_own_session(world: World) -> None:
    """The state is the session's: another client of the same user is not let through by
    someone else's verified session."""
    user = world.users["station_a"]
    enrol(user)
    verified = password_step("station_a")
    verified.post("/login/verify/", {"code": next_code(user)})
    other = password_step("station_a")
    assert other.session[STATE] == NEEDS_CODE
    assert other.get("/people/")["Location"].startswith("/login/verify/")


def test_a_misspelt_role_in_the_setting_is_an_error_not_a_silent_gap(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.management.base import SystemCheckError

    settings.FANGKONG = {**settings.FANGKONG, "MFA_ROLES": ["admin", "comand"]}
    with pytest.raises(SystemCheckError, match="FANGKONG_MFA_ROLES 中的角色不存在：comand"):
        call_command("check", stdout=io.StringIO())
