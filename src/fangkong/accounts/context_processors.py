from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from fangkong.accounts.jurisdiction import user_bureau_name
from fangkong.accounts.navigation import nav_for
from fangkong.accounts.passwords import password_set_on_server
from fangkong.accounts.signin import pending
from fangkong.org.areas import bureau_name


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Between the password and the second step the session is not signed in yet: no menu,
    # no offline copy of pages (base.html's data-signed-in), only the step and sign-out.
    signed_in = user is not None and user.is_authenticated and pending(request) is None
    nav = nav_for(user, request.path) if user is not None and signed_in else []
    return {
        "fk_nav": nav,
        "fk_signed_in": signed_in,
        # Administrators' passwords are changed on the server, not on the password page.
        "fk_own_password": signed_in and not password_set_on_server(user),
        "fk_bureau": user_bureau_name(user) if user is not None else bureau_name(),
        "fk_offline_hours": settings.FANGKONG["OFFLINE_HOURS"],
    }
