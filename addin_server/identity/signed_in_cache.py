"""A short-lived, per-process memory of who a token's bearer is, so that a user's next calls
skip the tenant, user and role queries of ``users.sign_in``.

Keyed by the whole verified identity (tenant, user, name, username, roles, expiry, session), so
a new token or changed claims always go through ``sign_in`` again. An entry lives
``SIGNED_IN_TTL_SECONDS``; any change to users or memberships flushed in this process forgets
every entry at once, so a role change applies here at the next call and in other workers and
instances within the TTL.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from addin_server.caller import CurrentUser
from addin_server.identity.models import TenantMember, User
from addin_server.identity.tokens import VerifiedIdentity

SIGNED_IN_TTL_SECONDS = 5.0
_MAX_ENTRIES = 10_000


class _Generation:
    """Bumped whenever users or memberships change in this process."""

    value = 0


def _forget_on_role_changes(session: Session, _context: Any) -> None:
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, TenantMember) or (
            isinstance(row, User) and row not in session.dirty  # last_seen_at alone is no change
        ):
            _Generation.value += 1
            return


event.listen(Session, "after_flush", _forget_on_role_changes)


class SignedInCache:
    def __init__(
        self, ttl: float = SIGNED_IN_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[VerifiedIdentity, tuple[float, int, CurrentUser]] = OrderedDict()

    def get(self, identity: VerifiedIdentity) -> CurrentUser | None:
        with self._lock:
            entry = self._entries.get(identity)
        if entry is None:
            return None
        stored_at, generation, user = entry
        if generation != _Generation.value or self._clock() - stored_at >= self._ttl:
            return None
        return user

    def put(self, identity: VerifiedIdentity, user: CurrentUser) -> None:
        with self._lock:
            self._entries[identity] = (self._clock(), _Generation.value, user)
            self._entries.move_to_end(identity)
            while len(self._entries) > _MAX_ENTRIES:
                self._entries.popitem(last=False)
