"""What a signed-in session may do, decided in one place for every page and the API:

- **Second step.** After the password, a user with an authenticator must give its code
  (or a recovery code); a user whose role requires one and has none must enrol first. Until
  then the session opens only that step and sign-out: pages redirect to it, the API treats
  the session as not signed in (401). Device bearer tokens are another path (checkpoints/api.py).
- **Idle timeout.** A session with no request for FANGKONG_IDLE_MINUTES (30) ends; the next
  request goes to sign-in with a message. Automatic refreshes (the big screen's, htmx polls:
  requests marked `fk_poll=1`) are not activity: an unattended screen signs out like any page.
- **Lifetime.** However active, a session ends FANGKONG_SESSION_HOURS (12) after sign-in.
- **Password due.** A password someone else set (a temporary one, from the system
  administrator) or one older than FANGKONG_PASSWORD_DAYS (90) is changed first: after the
  second step, the session opens only the password page until then, and the API treats it
  as not signed in (accounts.passwords.password_change_due).

Every sign-in (the login page, the admin site's, a test's force_login) passes through
`on_login`, which records the state the session starts in; the middleware only reads the
session, so a request costs no query beyond those Django already makes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import SessionBase
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record

STATE = "fk_signin"  # the session's sign-in state, one of:
VERIFIED = "verified"  # passed the second step (or enrolled in this session)
PASSWORD_ONLY = "password"  # no authenticator, and the role does not require one
NEEDS_CODE = "code"  # password accepted; the authenticator's code is due
NEEDS_ENROL = "enrol"  # password accepted; the role requires an authenticator: bind one
SEEN = "fk_seen"  # last request that was the user's own (not an automatic refresh), epoch s
STARTED = "fk_started"  # sign-in time, epoch seconds
PASSWORD_DUE = "fk_password_due"  # why the password must be changed before anything else
PASSWORD_PAGE = "password_change"
# Last-seen is written at most this often, so that most requests do not save the session.
TOUCH_EVERY = 60

# The only pages a session in each pending state may open (besides signing out).
PENDING_PAGES = {NEEDS_CODE: "login_verify", NEEDS_ENROL: "mfa_enrol"}
ALWAYS_OPEN = {"logout", "set_language"}


def state_for(user: Any) -> str:
    from fangkong.accounts import mfa

    if mfa.has_second_factor(user):
        return NEEDS_CODE
    return NEEDS_ENROL if mfa.mfa_required(user) else PASSWORD_ONLY


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    from fangkong.accounts.passwords import password_change_due

    now = int(clock.system_now().timestamp())
    session[STATE] = state_for(user)
    session[STARTED] = now
    session[SEEN] = now
    due = password_change_due(user)
    if due:
        session[PASSWORD_DUE] = due


def mark_verified(session: SessionBase) -> None:
    """The session has passed the second step. Used by that step and by enrolment, and by
    tests and benchmarks that sign in with force_login (tests/conftest.py signed_in)."""
    session[STATE] = VERIFIED
    session.setdefault(SEEN, int(clock.system_now().timestamp()))
    session.setdefault(STARTED, session[SEEN])


def end_session(
    request: HttpRequest,
    text: str,
    *,
    changes: dict[str, object] | None = None,
    level: int = messages.ERROR,
    with_next: bool = False,
) -> HttpResponse:
    """End this session now, and send it to the sign-in page saying why (`text`): idle, too
    long (the middleware), an account locked by a wrong code or a wrong old password. With
    `changes` (their "reason") the end is on the trail as `session_end`; a lock's failures are
    there already. Not auth.logout(): that would audit a sign-out the user did not make."""
    if changes is not None and request.user.is_authenticated:
        audit_record(
            actor=request.user,
            action="session_end",
            obj=request.user,
            changes=changes,
        )
    request.session.flush()
    request.user = AnonymousUser()
    messages.add_message(request, level, text)
    return SignInGuardMiddleware._to(request, reverse(settings.LOGIN_URL), with_next=with_next)


def pending(request: HttpRequest) -> str | None:
    """NEEDS_CODE or NEEDS_ENROL while the second step is due, else None."""
    return getattr(request, "fk_pending", None)


def next_url(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class SignInGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            ended = self._ended(request)
            if ended is not None:
                return ended if not _is_api(request) else self.get_response(request)
            held = self._second_step(request, user)
            # The password after the second step: while that step is pending its own page
            # stays open (else the two pages would send the session to each other).
            if held is None and pending(request) is None and request.session.get(PASSWORD_DUE):
                held = self._password_due(request)
            if held is not None:
                return held
        return self.get_response(request)

    # --- idle timeout and lifetime --------------------------------------------------------

    def _ended(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = int(clock.system_now().timestamp())
        seen = session.get(SEEN)
        started = session.get(STARTED)
        idle = int(settings.FANGKONG["IDLE_MINUTES"]) * 60
        if isinstance(seen, int) and now - seen > idle:
            why = "idle"
            text = _("已超过%(n)d分钟未操作，为保护数据已自动退出，请重新登录。") % {
                "n": idle // 60
            }
        elif isinstance(started, int) and now - started > settings.SESSION_COOKIE_AGE:
            why = "lifetime"
            text = _("本次登录已超过%(n)d小时，请重新登录。") % {
                "n": settings.SESSION_COOKIE_AGE // 3600
            }
        else:
            if not isinstance(seen, int) or (
                now - seen >= TOUCH_EVERY and request.GET.get("fk_poll") != "1"
            ):
                session[SEEN] = now
            if not isinstance(started, int):
                session[STARTED] = now
            return None
        return end_session(
            request,
            text,
            changes={"reason": why, "idle_seconds": now - seen if isinstance(seen, int) else None},
            level=messages.WARNING,
            with_next=True,
        )

    # --- the second step ------------------------------------------------------------------

    def _second_step(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        from fangkong.accounts import mfa

        session = request.session
        state = session.get(STATE)
        if state not in (VERIFIED, PASSWORD_ONLY, NEEDS_CODE, NEEDS_ENROL):
            # A session from before this rule (or a sign-in that bypassed on_login).
            state = session[STATE] = state_for(user)
        if state == PASSWORD_ONLY and mfa.mfa_required(user):
            # The role was changed to one that requires a second factor.
            state = session[STATE] = state_for(user)
        if state in (VERIFIED, PASSWORD_ONLY):
            return None
        request.fk_pending = state  # type: ignore[attr-defined]
        page = PENDING_PAGES[state]
        name = _url_name(request)
        if name == page or name in ALWAYS_OPEN:
            return None
        if _is_api(request):
            # Not signed in as far as the API is concerned: session auth answers 401, while
            # a device's bearer token still works.
            request.user = AnonymousUser()
            return None
        return self._to(request, reverse(page), with_next=name != "login")

    def _password_due(self, request: HttpRequest) -> HttpResponse | None:
        request.fk_pending = PASSWORD_DUE  # type: ignore[attr-defined]
        name = _url_name(request)
        if name == PASSWORD_PAGE or name in ALWAYS_OPEN:
            return None
        if _is_api(request):
            request.user = AnonymousUser()
            return None
        from fangkong.accounts.passwords import TEMPORARY

        if request.session.get(PASSWORD_DUE) == TEMPORARY:
            text = _("您的密码是管理员设置的临时密码，请先设置您自己的密码再继续。")
        else:
            days = int(settings.FANGKONG.get("PASSWORD_DAYS") or 0)
            text = _("您的密码已使用超过%(n)d天，请先修改密码再继续。") % {"n": days}
        messages.warning(request, text)
        return self._to(request, reverse(PASSWORD_PAGE), with_next=False)

    @staticmethod
    def _to(request: HttpRequest, url: str, *, with_next: bool) -> HttpResponse:
        if with_next:
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # An htmx fragment request: send the whole window there, not into the fragment.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
