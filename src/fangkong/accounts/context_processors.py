from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from fangkong.accounts.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    nav = nav_for(user, request.path) if user is not None and user.is_authenticated else []
    return {
        "fk_nav": nav,
        "fk_bureau": settings.FANGKONG["BUREAU_NAME"],
        "fk_offline_hours": settings.FANGKONG["OFFLINE_HOURS"],
    }
