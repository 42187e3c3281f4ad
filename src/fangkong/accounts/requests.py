"""The request a signed-in view receives (after `require_perm`, `login_required` or an API
auth): its user is a `User`, not `AnonymousUser`. Typed so, views pass `request.user` to
services as `by=` without a cast (healthchecks' AuthenticatedHttpRequest)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User
