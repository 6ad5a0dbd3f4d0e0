"""The simulator's state and the controls tests and demo mode drive it with.

Reachable as ``app.extensions[EXTENSION_KEY]``; the same controls are served over HTTP under
``/__sim/`` (see ``controls``) for other processes. Controls stand for what happens outside
the API at Cybersource: the customer pays, the merchant's invoicing is switched off, its
REST key is revoked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from addin_server.dev.simulator.book import InvoiceBook, InvoiceObserver
from addin_server.dev.simulator.faults import Knobs
from addin_server.dev.simulator.replies import CybersourceReply, invoicing_not_enabled
from addin_server.dev.simulator.settings import SettingsStore
from addin_server.dev.simulator.verification import AuthVerifier
from addin_server.dev.simulator.webhooks import WebhookCenter

EXTENSION_KEY = "cybersource_simulator"


@dataclass
class Simulator:
    book: InvoiceBook
    settings: SettingsStore
    verifier: AuthVerifier
    knobs: Knobs
    clock: Callable[[], float]
    webhooks: WebhookCenter
    _invoicing_off: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def on_invoice_changed(self, observer: InvoiceObserver) -> None:
        """Call ``observer(change)`` after every invoice change (created, sent, updated,
        canceled, paid), in the thread of the request that made it, with the
        ``invoiceHistory`` event and the invoice as GET shows it (``book.InvoiceChange``).
        An observer that is slow or raises slows or fails that request: hand work off."""
        self.book.observers.append(observer)

    def pay(self, number: str, amount: str, merchant_id: str | None = None) -> dict[str, Any]:
        """The customer pays ``amount`` on the hosted page: PARTIAL or PAID, a PAYMENT event.

        ``merchant_id`` may be left out while the simulator knows one merchant. A refused
        payment is a ``CybersourceReply`` (400 INVALID_DATA, ACTION_NOT_ALLOWED; 404)."""
        stored = self.book.pay(self.merchant(merchant_id), number, amount)
        return self.book.to_json(stored, "get")

    def set_invoicing_enabled(self, enabled: bool, merchant_id: str | None = None) -> None:
        """Off: every invoicing call of the merchant answers "Invoicing service is not enabled."."""
        with self._lock:
            (self._invoicing_off.discard if enabled else self._invoicing_off.add)(
                self.merchant(merchant_id)
            )

    def set_key_revoked(self, revoked: bool, merchant_id: str | None = None) -> None:
        """Revoked: every request signed with the merchant's keys fails authentication."""
        self.verifier.set_revoked(self.merchant(merchant_id), revoked)

    def check_invoicing_enabled(self, merchant_id: str) -> None:
        with self._lock:
            if merchant_id in self._invoicing_off:
                raise invoicing_not_enabled()

    def merchant(self, merchant_id: str | None) -> str:
        """``merchant_id``, or the only merchant when it is None; 404 when unknown."""
        known = self.verifier.merchant_ids
        if merchant_id is None and len(known) == 1:
            return known[0]
        if merchant_id is None or merchant_id not in known:
            raise CybersourceReply(404, "NOT_FOUND", "Merchant does not exist.")
        return merchant_id
