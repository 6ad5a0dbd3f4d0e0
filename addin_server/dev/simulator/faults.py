"""Test knobs of the simulator: latency, server errors, timeouts, dropped connections.

Set over HTTP with ``POST /__sim/knobs``::

    {"latency": 0.05, "email_fails": true,
     "faults": [{"kind": "status", "status": 502, "method": "GET", "count": 2},
                {"kind": "timeout", "seconds": 0.4, "method": "POST", "after_commit": true},
                {"kind": "drop", "method": "POST", "after_commit": true}]}

A fault applies to the next ``count`` (default 1) API requests with that method (any
method when omitted), in list order. ``status`` answers a 5xx without doing anything (or,
with ``after_commit``, having done the work, as a gateway failing behind Cybersource);
``timeout`` waits ``seconds`` and then either answers normally having done the work
(``after_commit``) or answers 504 having done nothing; ``drop`` closes the connection
without an answer, after doing the work (``after_commit``, the default) or before.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

FAULT_KINDS = frozenset({"status", "timeout", "drop"})


@dataclass(frozen=True)
class Fault:
    kind: str
    method: str | None = None
    count: int = 1
    status: int = 502
    seconds: float = 0.0
    after_commit: bool = True

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        kind = str(data.get("kind"))
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {sorted(FAULT_KINDS)}")
        method = data.get("method")
        return cls(
            kind=kind,
            method=str(method).upper() if method else None,
            count=int(data.get("count", 1)),
            status=int(data.get("status", 502 if kind == "status" else 504)),
            seconds=float(data.get("seconds", 0.0)),
            after_commit=bool(data.get("after_commit", kind != "status")),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "method": self.method,
            "count": self.count,
            "status": self.status,
            "seconds": self.seconds,
            "after_commit": self.after_commit,
        }


@dataclass
class Knobs:
    latency: float = 0.0
    email_fails: bool = False
    faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def configure(self, data: Mapping[str, Any]) -> None:
        """Replace every knob (an empty object resets them)."""
        faults = [Fault.from_json(item) for item in data.get("faults") or ()]
        with self._lock:
            self.latency = float(data.get("latency", 0.0))
            self.email_fails = bool(data.get("email_fails", False))
            self.faults = faults

    def take_fault(self, method: str) -> Fault | None:
        """The fault for this request, if any, counting it as used."""
        with self._lock:
            for index, fault in enumerate(self.faults):
                if fault.method in (None, method) and fault.count > 0:
                    self.faults[index] = replace(fault, count=fault.count - 1)
                    return fault
        return None

    def as_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "latency": self.latency,
                "email_fails": self.email_fails,
                "faults": [f.as_json() for f in self.faults if f.count > 0],
            }
