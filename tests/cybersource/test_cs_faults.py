"""Faults: retries of reads, never of creates; lost answers resolved without duplicates."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

import pytest

from addin_server.cybersource import (
    CreateResult,
    CreationMode,
    Customer,
    CybersourceClient,
    CybersourceError,
    DuplicateInvoiceError,
    Invoice,
    InvoiceDraft,
    InvoiceStatus,
    LineItem,
    NotFoundError,
    OutcomeUnknownError,
    RetryPolicy,
    Timeouts,
    Transport,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    auth_for,
    create_invoice_once,
)
from tests.cybersource.cybersource_support import MERCHANT_ID, RecordingSleep
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.cybersource.conftest import MerchantKeys

READ_TIMEOUT = 0.2
SLOW = READ_TIMEOUT * 2


def new_draft(
    number: str = "INV-9", mode: CreationMode = CreationMode.CREATE_AND_SEND
) -> InvoiceDraft:
    return InvoiceDraft(
        invoice_number=number,
        description="Pruning",
        due_date=date(2026, 12, 1),
        currency="EUR",
        customer=Customer(name="Ana", email="ana@example.com"),
        line_items=(LineItem("Hours", Decimal("40"), 2),),
        mode=mode,
    )


@dataclass
class MemoryIntents:
    """The IntentStore protocol in memory: what happened, in order."""

    events: list[tuple[str, str]] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)

    def record_intent(self, merchant_id: str, invoice_number: str, payload_digest: str) -> None:
        self.events.append(("intent", invoice_number))
        self.digests[invoice_number] = payload_digest

    def mark_created(self, merchant_id: str, invoice_number: str, invoice: Invoice) -> None:
        self.events.append(("created", invoice.invoice_number))

    def mark_failed(self, merchant_id: str, invoice_number: str, error: CybersourceError) -> None:
        self.events.append(("failed", type(error).__name__))

    def mark_unknown(self, merchant_id: str, invoice_number: str, error: CybersourceError) -> None:
        self.events.append(("unknown", type(error).__name__))


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def fast_client(
    test_merchant: MerchantKeys, simulator: RunningSimulator, sleeps: RecordingSleep
) -> Iterator[CybersourceClient]:
    """JWT (the default scheme), short read timeout, recorded backoff, jitter at its maximum."""
    transport = Transport(
        Timeouts(connect=1.0, read=READ_TIMEOUT),
        RetryPolicy(attempts=3, base_delay=0.25, max_delay=2.0),
        sleep=sleeps,
        jitter=lambda: 1.0,
    )
    yield CybersourceClient(
        auth_for(test_merchant.shared_secret), simulator.url, transport=transport
    )
    transport.close()


def stored_numbers(simulator: RunningSimulator) -> list[str]:
    book = simulator.state.book
    try:
        _total, page = book.list(MERCHANT_ID, 0, 100, None)
    except Exception:
        return []
    return [invoice.number for invoice in page]


def test_reads_are_retried_on_502_with_backoff(
    fast_client: CybersourceClient, simulator: RunningSimulator, sleeps: RecordingSleep
) -> None:
    fast_client.invoices.create(new_draft())
    simulator.knobs(faults=[{"kind": "status", "status": 502, "method": "GET", "count": 2}])

    invoice = fast_client.invoices.get("INV-9")

    assert invoice.status is InvoiceStatus.SENT
    assert sleeps.delays == [0.25, 0.5]


def test_reads_give_up_after_the_last_attempt(
    fast_client: CybersourceClient, simulator: RunningSimulator, sleeps: RecordingSleep
) -> None:
    simulator.knobs(faults=[{"kind": "status", "status": 503, "method": "GET", "count": 3}])
    with pytest.raises(UpstreamUnavailableError) as caught:
        fast_client.invoices.get("INV-9")
    assert caught.value.status == 503
    assert caught.value.reason == "SYSTEM_ERROR"
    assert caught.value.correlation_id
    assert len(sleeps.delays) == 2


def test_reads_are_retried_after_a_dropped_connection_and_a_timeout(
    fast_client: CybersourceClient, simulator: RunningSimulator
) -> None:
    fast_client.invoices.create(new_draft())
    simulator.knobs(
        faults=[
            {"kind": "drop", "method": "GET", "after_commit": False},
            {"kind": "timeout", "method": "GET", "seconds": SLOW, "after_commit": False},
        ]
    )
    assert fast_client.invoices.get("INV-9").invoice_number == "INV-9"


def test_read_timeout_is_reported_as_such(
    fast_client: CybersourceClient, simulator: RunningSimulator
) -> None:
    simulator.knobs(faults=[{"kind": "timeout", "method": "GET", "seconds": SLOW, "count": 3}])
    with pytest.raises(UpstreamTimeoutError) as caught:
        fast_client.invoices.list()
    assert caught.value.status is None


def test_server_error_on_create_is_looked_up_before_the_one_retry(
    fast_client: CybersourceClient, simulator: RunningSimulator, sleeps: RecordingSleep
) -> None:
    # A 5xx from a gateway does not prove nothing was stored: look the number up first.
    simulator.knobs(faults=[{"kind": "status", "status": 502, "method": "POST"}])
    intents = MemoryIntents()

    result = create_invoice_once(fast_client, new_draft(), intents)

    assert result.invoice.invoice_number == "INV-9"
    assert sleeps.delays == []
    assert stored_numbers(simulator) == ["INV-9"]
    assert intents.events == [("intent", "INV-9"), ("created", "INV-9")]


def test_create_is_never_retried_blindly(
    fast_client: CybersourceClient, simulator: RunningSimulator, sleeps: RecordingSleep
) -> None:
    simulator.knobs(faults=[{"kind": "status", "status": 502, "method": "POST", "count": 5}])
    intents = MemoryIntents()

    with pytest.raises(OutcomeUnknownError):
        create_invoice_once(fast_client, new_draft(), intents)

    assert sleeps.delays == []
    assert stored_numbers(simulator) == []
    # A 5xx may hide a stored invoice: unknown (settled by a later look-up), never failed.
    assert intents.events == [("intent", "INV-9"), ("unknown", "OutcomeUnknownError")]
    # Two POSTs at most (the first, and one after a lookup found nothing); the rest unused.
    assert simulator.state.knobs.faults[0].count == 3


def test_timeout_on_create_after_commit_finds_the_invoice(
    fast_client: CybersourceClient, simulator: RunningSimulator
) -> None:
    simulator.knobs(faults=[{"kind": "timeout", "method": "POST", "seconds": SLOW}])
    intents = MemoryIntents()

    result = create_invoice_once(fast_client, new_draft(), intents)

    assert result.invoice.status is InvoiceStatus.SENT
    assert stored_numbers(simulator) == ["INV-9"]
    assert intents.events == [("intent", "INV-9"), ("created", "INV-9")]
    assert len(intents.digests["INV-9"]) == 64


def test_timeout_before_commit_creates_exactly_once(
    fast_client: CybersourceClient, simulator: RunningSimulator
) -> None:
    simulator.knobs(
        faults=[{"kind": "timeout", "method": "POST", "seconds": SLOW, "after_commit": False}]
    )
    result = create_invoice_once(fast_client, new_draft(), MemoryIntents())
    assert result.invoice.invoice_number == "INV-9"
    assert stored_numbers(simulator) == ["INV-9"]


def test_connection_dropped_after_commit_finds_the_invoice(
    fast_client: CybersourceClient, simulator: RunningSimulator
) -> None:
    simulator.knobs(faults=[{"kind": "drop", "method": "POST"}])
    intents = MemoryIntents()

    result = create_invoice_once(fast_client, new_draft(), intents)

    assert result.invoice.status is InvoiceStatus.SENT
    assert stored_numbers(simulator) == ["INV-9"]
    assert intents.events[-1] == ("created", "INV-9")


def test_a_number_used_before_is_reported_as_duplicate(
    fast_client: CybersourceClient,
) -> None:
    fast_client.invoices.create(new_draft())
    intents = MemoryIntents()
    with pytest.raises(DuplicateInvoiceError):
        create_invoice_once(fast_client, new_draft(), intents)
    assert intents.events[-1] == ("failed", "DuplicateInvoiceError")


def test_202_is_a_success_with_a_warning(
    fast_client: CybersourceClient, simulator: RunningSimulator
) -> None:
    simulator.knobs(email_fails=True)

    result = fast_client.invoices.create(new_draft())

    assert result.warning == (
        "Invoice ID INV-9 created but failed to send an email. Send the invoice separately."
    )
    assert result.invoice.status is InvoiceStatus.CREATED
    assert result.invoice.payment_link
    simulator.knobs()
    assert fast_client.invoices.send("INV-9").status is InvoiceStatus.SENT


def test_latency_knob_slows_answers(
    fast_client: CybersourceClient, simulator: RunningSimulator
) -> None:
    simulator.knobs(latency=0.05)
    assert fast_client.invoices.list().total == 0


T = TypeVar("T")


class ScriptedInvoices:
    """An invoices service whose answers are scripted, for races the simulator cannot stage."""

    def __init__(
        self, creates: list[CreateResult | Exception], gets: list[Invoice | Exception]
    ) -> None:
        self._creates = creates
        self._gets = gets
        self.calls: list[str] = []

    def create(self, draft: InvoiceDraft) -> CreateResult:
        self.calls.append("create")
        return self._answer(self._creates.pop(0))

    def get(self, invoice_number: str) -> Invoice:
        self.calls.append("get")
        return self._answer(self._gets.pop(0))

    @staticmethod
    def _answer(answer: T | Exception) -> T:
        if isinstance(answer, Exception):
            raise answer
        return answer


@dataclass
class ScriptedClient:
    invoices: ScriptedInvoices
    merchant_id: str = MERCHANT_ID


def invoice_json(number: str) -> Invoice:
    return Invoice.from_json(
        {
            "id": number,
            "status": "SENT",
            "invoiceInformation": {"invoiceNumber": number},
            "orderInformation": {"amountDetails": {"totalAmount": "80.00", "currency": "EUR"}},
        }
    )


def test_request_stored_after_the_lookup_is_resolved_as_ours() -> None:
    """Lost answer; GET says 404; the retry is refused as a duplicate: the first one landed."""
    invoices = ScriptedInvoices(
        creates=[UpstreamTimeoutError("lost"), DuplicateInvoiceError("dup", status=400)],
        gets=[NotFoundError("no", status=404), invoice_json("INV-9")],
    )
    result = create_invoice_once(ScriptedClient(invoices), new_draft(), MemoryIntents())
    assert result.invoice.invoice_number == "INV-9"
    assert invoices.calls == ["create", "get", "create", "get"]


def test_twice_lost_answer_not_found_is_unknown_not_failed() -> None:
    intents = MemoryIntents()
    invoices = ScriptedInvoices(
        creates=[UpstreamUnavailableError("dropped"), UpstreamTimeoutError("lost")],
        gets=[NotFoundError("no", status=404), NotFoundError("no", status=404)],
    )
    with pytest.raises(OutcomeUnknownError) as raised:
        create_invoice_once(ScriptedClient(invoices), new_draft(), intents)
    assert raised.value.timed_out
    assert intents.events[-1] == ("unknown", "OutcomeUnknownError")


def test_failed_look_up_after_a_lost_answer_is_unknown() -> None:
    intents = MemoryIntents()
    invoices = ScriptedInvoices(
        creates=[UpstreamTimeoutError("lost")],
        gets=[UpstreamUnavailableError("down", status=503)],
    )
    with pytest.raises(OutcomeUnknownError):
        create_invoice_once(ScriptedClient(invoices), new_draft(), intents)
    assert invoices.calls == ["create", "get"]
    assert intents.events[-1] == ("unknown", "OutcomeUnknownError")


def test_answer_cut_short_is_an_unavailable_upstream(sleeps: RecordingSleep) -> None:
    """A server that promises 100 bytes and closes after 2: the body read fails, typed."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer_badly() -> None:
        for _ in range(3):
            connection, _ = listener.accept()
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{}")
            connection.close()

    server = threading.Thread(target=answer_badly, daemon=True)
    server.start()
    transport = Transport(Timeouts(1.0, 1.0), RetryPolicy(attempts=3), sleep=sleeps)
    with pytest.raises(UpstreamUnavailableError) as caught:
        transport.send("GET", f"http://127.0.0.1:{port}/x", None, dict, retryable=True)
    server.join(timeout=5)
    listener.close()
    transport.close()
    assert caught.value.status is None
    assert len(sleeps.delays) == 2
