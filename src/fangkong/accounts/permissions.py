"""Role checks for views: a page outside a user's role answers 403 with a plain reason."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from fangkong.accounts.roles import user_can

# A view may answer with a page or a streamed file (FileResponse).
View = Callable[..., HttpResponseBase]


def require_perm(*perms: str) -> Callable[[View], View]:
    """Log in first; then every named permission is needed, else 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not all(user_can(request.user, p) for p in perms):
                raise PermissionDenied("role")
            return view(request, *args, **kwargs)

        wrapped.required_perms = perms  # type: ignore[attr-defined]
        return wrapped

    return decorator


def require_any_perm(*perms: str) -> Callable[[View], View]:
    """Log in first; then at least one of the named permissions is needed, else 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(user_can(request.user, p) for p in perms):
                raise PermissionDenied("role")
            return view(request, *args, **kwargs)

        wrapped.required_any_perms = perms  # type: ignore[attr-defined]
        return wrapped

    return decorator
