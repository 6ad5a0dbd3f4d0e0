"""The signed-in caller of a request, and the decorators that let a view run for them.

Ground floor: every concern may import this module; it imports no concern. Identity
authenticates the request and sets the caller (``set_current_user``); other concerns only
read it (``current_user``) or guard a view by role (``require_member``, ``require_admin``).
A view under ``/api/`` needs a signed-in caller unless it is marked ``@public``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Final, Literal, TypeVar, cast

from flask import g, has_request_context

from addin_server.problems import ApiProblem

F = TypeVar("F", bound=Callable[..., Any])
Role = Literal["admin", "member"]
ROLE_ADMIN: Final = "admin"
ROLE_MEMBER: Final = "member"
PUBLIC_ATTR: Final = "_addin_public"


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user of a request. ``role`` is None for a user of the tenant who has
    not been made a member: they may see ``/me`` but nothing of the tenant's invoicing.
    ``tenant_id`` is the key of ``tenants.id``: scope every query of tenant data by it."""

    user_id: int
    tenant_id: str
    tid: str
    oid: str
    name: str
    username: str
    role: Role | None
    is_personal: bool
    # Why an invitation by email was not accepted at sign-in ("" if none was refused).
    invitation_refused: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    def ensure_member(self) -> None:
        """403 unless the user has a role (member or admin) in their tenant."""
        if self.role is None:
            refused = self.invitation_refused
            why = f" Your invitation by email was not accepted: {refused}." if refused else ""
            raise forbidden(f"Ask an admin of your organisation to add you as a member.{why}")

    def ensure_admin(self, action: str = "do this") -> None:
        """403 unless the user is an admin of their tenant."""
        if not self.is_admin:
            raise forbidden(f"Only an admin of your organisation can {action}.")

    @property
    def log_key(self) -> str:
        """Identifies the user in logs without personal data."""
        return f"{self.tid}/{self.oid}"


def forbidden(detail: str) -> ApiProblem:
    return ApiProblem(403, detail, problem_type="/problems/forbidden")


def unauthenticated(
    error: str | None = "invalid_token",
    *,
    problem_type: str = "/problems/unauthenticated",
    detail: str = "Sign in again: the access token is missing or not valid.",
) -> ApiProblem:
    challenge = f'Bearer error="{error}"' if error else "Bearer"
    return ApiProblem(
        401,
        detail,
        title="Unauthorized",
        problem_type=problem_type,
        headers={"WWW-Authenticate": challenge},
    )


def current_user() -> CurrentUser:
    """The signed-in user of this request (401 on a public route nobody signed in to)."""
    user = g.get("current_user")
    if user is None:
        raise unauthenticated(error=None)
    return cast(CurrentUser, user)


def set_current_user(user: CurrentUser) -> None:
    """Identity sets the caller once the token is valid, and again when their role changes
    during the request."""
    g.current_user = user
    g.log_user = user.log_key


def replace_current_user(before: CurrentUser, after: CurrentUser) -> None:
    """If ``before`` is this request's caller, the rest of the request sees ``after``."""
    if has_request_context() and g.get("current_user") == before:
        set_current_user(after)


def public(view: F) -> F:
    """Let a ``/api/`` view run without a signed-in user (e.g. the sign-in configuration)."""
    setattr(view, PUBLIC_ATTR, True)
    return view


def require_member(view: F) -> F:
    """Members and admins of the tenant only (403 for users without a role)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        current_user().ensure_member()
        return view(*args, **kwargs)

    return cast(F, guarded)


def require_admin(view: F) -> F:
    """Admins of the tenant only."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        current_user().ensure_admin()
        return view(*args, **kwargs)

    return cast(F, guarded)
