"""``GET /api/v1/customers/<email>/invoices``: the customer panel, from our records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask.testing import FlaskClient

from tests.invoices.invoices_support import SOURCE_EMAIL, created, invoice_body
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

PANEL = "/api/v1/customers/{}/invoices"


def test_customer_panel_totals_per_currency_and_this_email(
    client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str, simulator: RunningSimulator
) -> None:
    headers = tenant_a_member.headers

    def make(**changes: Any) -> dict[str, Any]:
        return created(client, headers, invoice_body(profile_id, **changes))

    partly_paid = make(mode="send", allow_partial_payments=True)
    late = make(mode="publish", due_date="2026-01-15", source_email={"item_id": "other"})
    yen = make(
        mode="send",
        currency="JPY",
        line_items=[{"name": "Tea", "quantity": 2, "unit_price": "1500"}],
        total="3000",
    )
    draft = make(mode="draft")
    canceled = make(mode="publish")
    other_customer = make(mode="send", customer={"name": "Bo", "email": "bo@example.com"})
    simulator.pay(partly_paid["number"], "6.00")
    simulator.pay(yen["number"], "3000")
    for invoice in (partly_paid, yen):
        client.post(f"/api/v1/invoices/{invoice['id']}/refresh", headers=headers)
    client.post(f"/api/v1/invoices/{canceled['id']}/cancel", headers=headers)

    response = client.get(
        PANEL.format("ANA@example.com"),
        query_string={"internet_message_id": SOURCE_EMAIL["internet_message_id"]},
        headers=headers,
    )
    assert response.status_code == 200
    panel = response.get_json()
    assert panel["customer_email"] == "ana@example.com"
    ids = [partly_paid["id"], late["id"], yen["id"], draft["id"], canceled["id"]]
    assert [i["id"] for i in panel["invoices"]] == ids[::-1]
    assert panel["totals"] == [
        {"currency": "EUR", "open": "46.00", "overdue": "26.00", "paid": "6.00"},
        {"currency": "JPY", "open": "0", "overdue": "0", "paid": "3000"},
    ]
    late_shown = next(i for i in panel["invoices"] if i["id"] == late["id"])
    assert late_shown["overdue"] is True
    # Made from this email: all but the one from another email, whoever the customer is.
    from_email = {*ids, other_customer["id"]} - {late["id"]}
    assert sorted(panel["this_email"]) == sorted(from_email)
    by_item = client.get(
        PANEL.format("ana@example.com"), query_string={"item_id": "other"}, headers=headers
    ).get_json()
    assert by_item["this_email"] == [late["id"]]


def test_unknown_customer_has_an_empty_panel(
    client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str
) -> None:
    panel = client.get(PANEL.format("nobody@example.com"), headers=tenant_a_member.headers)
    assert panel.status_code == 200
    assert panel.get_json() == {
        "customer_email": "nobody@example.com",
        "invoices": [],
        "totals": [],
        "this_email": [],
    }
