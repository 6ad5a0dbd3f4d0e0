"""The authority's token signing keys: OpenID metadata -> ``jwks_uri`` -> PyJWK, cached.

Keys are kept for ``ttl`` seconds. A token naming an unknown ``kid`` (e.g. just after a key
rotation) triggers a refresh, but at most one per ``min_refresh_interval``, so a flood of
forged ``kid`` values cannot turn into a flood of requests to the authority. With a shared
cache (Redis) the limit holds across all workers, and keys one worker fetched serve all.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from jwt import PyJWK
from jwt.exceptions import PyJWKError

from addin_server.cache import SharedCache

log = logging.getLogger(__name__)

HTTP_TIMEOUT = (5.0, 10.0)


class SigningKeysUnavailable(Exception):
    """The authority's metadata or keys could not be fetched (not the caller's fault)."""


@dataclass(frozen=True)
class _KeySet:
    keys: dict[str, PyJWK]
    fetched_at: float | None


class SigningKeys:
    def __init__(
        self,
        metadata_url: str,
        http: requests.Session,
        *,
        ttl: float = 3600.0,
        min_refresh_interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedCache | None = None,
    ) -> None:
        self._metadata_url = metadata_url
        self._shared = shared
        self._shared_keys = f"jwks:{metadata_url}"
        self._shared_claim = f"jwks-refresh:{metadata_url}"
        self._adopted: bytes | None = None
        self._http = http
        self._ttl = ttl
        self._min_refresh_interval = min_refresh_interval
        self._clock = clock
        self._lock = threading.Lock()  # guards the refresh decision only, never held over I/O
        self._key_set = _KeySet({}, None)  # replaced whole, so readers need no lock
        self._attempted_at: float | None = None
        self._in_flight = threading.Event()
        self._in_flight.set()

    def get(self, kid: str) -> PyJWK | None:
        """The RSA signing key ``kid``, or None when the authority does not publish it.

        A known key costs no lock and no I/O. Otherwise the shared cache is read (time-boxed)
        and, at most once per ``min_refresh_interval`` per process, the authority is asked;
        other threads go on with the keys they have (waiting only if there are none yet).
        """
        now = self._clock()
        if not self._needs_keys(kid, now):
            return self._key_set.keys[kid]
        self._adopt_shared(now)
        if self._needs_keys(kid, now):
            self._refresh_once(now)
        keys = self._key_set.keys
        if not keys:
            raise SigningKeysUnavailable("no signing keys could be loaded yet")
        return keys.get(kid)

    def version(self) -> object | None:
        """The key set in use while it is fresh, None once it is due for a refresh: an object
        that changes with every refresh, so what was verified with it can be trusted while it
        stays the same (``VerifiedTokens``)."""
        key_set = self._key_set
        if key_set.fetched_at is None or self._clock() - key_set.fetched_at >= self._ttl:
            return None
        return key_set

    def _needs_keys(self, kid: str, now: float) -> bool:
        key_set = self._key_set
        stale = key_set.fetched_at is None or now - key_set.fetched_at >= self._ttl
        return stale or kid not in key_set.keys

    def _refresh_once(self, now: float) -> None:
        with self._lock:
            due = (
                self._attempted_at is None or now - self._attempted_at >= self._min_refresh_interval
            )
            if due:
                self._attempted_at = now
                self._in_flight.clear()
            in_flight = self._in_flight
        if not due:
            if not self._key_set.keys:  # starting up: wait for the fetch under way
                in_flight.wait(timeout=sum(HTTP_TIMEOUT))
            return
        try:
            if self._claim_refresh():
                self._refresh(now)
        finally:
            in_flight.set()

    def _claim_refresh(self) -> bool:
        if self._shared is None:
            return True
        return self._shared.claim(self._shared_claim, self._min_refresh_interval)

    def _adopt_shared(self, now: float) -> None:
        """Take the keys another worker fetched, if there are any."""
        if self._shared is None:
            return
        document = self._shared.get(self._shared_keys)
        if document is None or document == self._adopted:
            return  # nothing new: a flood of unknown kids costs one cache read each
        self._adopted = document
        try:
            keys = self._parse(json.loads(document))
        except (ValueError, TypeError):
            return
        if keys:
            self._key_set = _KeySet(keys, now)

    def _refresh(self, now: float) -> None:
        try:
            jwks_uri = self._get_json(self._metadata_url)["jwks_uri"]
            document = self._get_json(str(jwks_uri))
            keys = self._parse(document)
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            # Keep serving the keys we have (if any); the next attempt waits for the rate limit.
            log.warning("signing key refresh failed", extra={"error_type": type(exc).__name__})
            return
        self._key_set = _KeySet(keys, now)
        if self._shared is not None:
            self._shared.set(self._shared_keys, json.dumps(document).encode(), self._ttl)
        log.info("signing keys loaded", extra={"kids": sorted(keys)})

    def _get_json(self, url: str) -> dict[str, Any]:
        response = self._http.get(url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, dict):
            raise TypeError(f"{url} did not return a JSON object")
        return body

    @staticmethod
    def _parse(jwks: dict[str, Any]) -> dict[str, PyJWK]:
        keys: dict[str, PyJWK] = {}
        for entry in jwks.get("keys", []):
            if not isinstance(entry, dict) or entry.get("kty") != "RSA" or "kid" not in entry:
                continue
            if entry.get("use", "sig") != "sig":
                continue
            try:
                keys[str(entry["kid"])] = PyJWK(entry, algorithm="RS256")
            except PyJWKError as exc:
                log.warning("unusable signing key skipped", extra={"error_type": str(exc)})
        return keys
