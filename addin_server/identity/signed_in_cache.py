"""Short-lived, per-process memories that spare a user's next calls the work of signing in.

``VerifiedTokens``: an Entra access token already verified (signature, issuer, audience,
tenant, scope, client app) maps to its ``VerifiedIdentity`` for ``VERIFIED_TOKEN_TTL_SECONDS``,
never past the token's own expiry (with the leeway the check allows) nor past the signing key
set it was verified with (a refresh that retires a key refuses its tokens at once), so a
repeated token skips the JWT decoding and signature check; the token's claims, and so the
identity, cannot change. Backend session tokens are not kept: each use checks its revocation
in the database.

``SignedInCache``: who a verified identity is (tenant, user, role), keyed by the whole
identity (tenant, user, name, username, roles, expiry, session), so a new token or changed
claims always go through ``users.sign_in`` again. An entry lives ``SIGNED_IN_TTL_SECONDS``;
any change to users or memberships flushed in this process forgets every entry at once, so a
role change applies here at the next call and in other workers and instances within the TTL.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

from addin_server.caller import CurrentUser
from addin_server.identity.models import TenantMember, User
from addin_server.identity.tokens import LEEWAY_SECONDS, VerifiedIdentity

SIGNED_IN_TTL_SECONDS = 5.0
VERIFIED_TOKEN_TTL_SECONDS = 60.0
_MAX_ENTRIES = 10_000
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Generation:
    """Bumped whenever users or memberships change in this process."""

    value = 0


def role_generation() -> int:
    """Read before loading a user, and given to ``SignedInCache.put`` with what was loaded:
    a change flushed meanwhile then makes the entry stale at once."""
    return _Generation.value


def _forget_on_role_changes(session: Session, _context: Any) -> None:
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, TenantMember) or (
            isinstance(row, User) and row not in session.dirty  # last_seen_at alone is no change
        ):
            _Generation.value += 1
            return


event.listen(Session, "after_flush", _forget_on_role_changes)


class _Recent(Generic[K, V]):
    """At most ``_MAX_ENTRIES`` values, least recently stored dropped first, each with the
    time and the role generation it was stored at."""

    def __init__(self, ttl: float, clock: Callable[[], float]) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[K, tuple[float, int, V]] = OrderedDict()

    def get(self, key: K, generation: int | None = None) -> V | None:
        """The value, unless it expired or (when ``generation`` is given) is of another."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, stored_generation, value = entry
        if self._clock() - stored_at >= self._ttl:
            return None
        if generation is not None and stored_generation != generation:
            return None
        return value

    def put(self, key: K, value: V, generation: int = 0) -> None:
        with self._lock:
            self._entries[key] = (self._clock(), generation, value)
            self._entries.move_to_end(key)
            while len(self._entries) > _MAX_ENTRIES:
                self._entries.popitem(last=False)


class SignedInCache:
    def __init__(
        self, ttl: float = SIGNED_IN_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._recent: _Recent[VerifiedIdentity, CurrentUser] = _Recent(ttl, clock)

    def get(self, identity: VerifiedIdentity) -> CurrentUser | None:
        return self._recent.get(identity, _Generation.value)

    def put(self, identity: VerifiedIdentity, user: CurrentUser, generation: int) -> None:
        """``generation``: ``role_generation()`` as it was before ``user`` was loaded."""
        self._recent.put(identity, user, generation)


class VerifiedTokens:
    def __init__(
        self,
        ttl: float = VERIFIED_TOKEN_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._recent: _Recent[bytes, tuple[object, VerifiedIdentity]] = _Recent(ttl, clock)
        self._wall_clock = wall_clock

    @staticmethod
    def _key(token: str) -> bytes:
        return hashlib.sha256(token.encode()).digest()  # bounded memory for any token size

    def get(self, token: str, keys_version: object | None) -> VerifiedIdentity | None:
        """``keys_version``: ``SigningKeys.version()`` now."""
        entry = self._recent.get(self._key(token))
        if entry is None or keys_version is None or entry[0] is not keys_version:
            return None
        identity = entry[1]
        if self._wall_clock() > identity.expires_at + LEEWAY_SECONDS:
            return None
        return identity

    def put(self, token: str, identity: VerifiedIdentity, keys_version: object | None) -> None:
        """``keys_version``: ``SigningKeys.version()`` as it was before ``token`` was verified."""
        if identity.session_id is None and keys_version is not None:
            self._recent.put(self._key(token), (keys_version, identity))
