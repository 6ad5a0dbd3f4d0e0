"""The official SDK's side of ``bench_cybersource.py``; runs in the bench venv (.venv-bench).

Reads JSON lines on stdin. The first is the job (url, merchant and key fields, scheme):
the ``InvoicesApi`` is built once, as an application would, and {"sdk_version": ...} is
printed. Each further line, {"first": n, "calls": n, "warmup": n}, is one round: the same
create-invoice call as our client, ``warmup`` untimed then ``calls`` timed (invoice
numbers from ``first`` on), answered with {"wall_ms": [...], "cpu_ms": [...]} on one
line. The SDK's urllib3 pool keeps its connection across rounds. Imports nothing of ours.
"""

from __future__ import annotations

import json
import sys
import time
from importlib import metadata
from typing import Any, TextIO

from CyberSource import (
    CreateInvoiceRequest,
    InvoicesApi,
    Invoicingv2invoicesCustomerInformation,
    Invoicingv2invoicesInvoiceInformation,
    Invoicingv2invoicesOrderInformation,
    Invoicingv2invoicesOrderInformationAmountDetails,
    Invoicingv2invoicesOrderInformationLineItems,
)
from CyberSource.api_client import ApiClient


def _client_id(_self: ApiClient) -> str:
    # Notes §9: the SDK's own lookup (pkg_resources.require) fails in a fresh venv.
    return "cybs-rest-sdk-python-bench"


def without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: without_none(value) if isinstance(value, dict) else value
        for key, value in data.items()
        if value is not None
    }


def build_request(number: str) -> str:
    """The same invoice as our client sends, built the way the SDK's official samples do:
    models' ``__dict__`` nested, Nones dropped, serialised with json.dumps."""
    line_items = [
        Invoicingv2invoicesOrderInformationLineItems(
            product_sku="HRS",
            product_name="Design hours",
            quantity=3,
            unit_price="120.50",
            total_amount="361.50",
        ).__dict__,
        Invoicingv2invoicesOrderInformationLineItems(
            product_name="Site visit", quantity=1, unit_price="80.00", total_amount="80.00"
        ).__dict__,
    ]
    request = CreateInvoiceRequest(
        customer_information=Invoicingv2invoicesCustomerInformation(
            name="Tanya Lee", email="tanya@example.com"
        ).__dict__,
        invoice_information=Invoicingv2invoicesInvoiceInformation(
            invoice_number=number,
            description="Garden design, phase 1",
            due_date="2026-12-01",
            send_immediately=True,
            delivery_mode="none",
            allow_partial_payments=False,
        ).__dict__,
        order_information=Invoicingv2invoicesOrderInformation(
            amount_details=Invoicingv2invoicesOrderInformationAmountDetails(
                total_amount="441.50", currency="USD"
            ).__dict__,
            line_items=line_items,
        ).__dict__,
    )
    return json.dumps(without_none(request.__dict__))


def sdk_config(job: dict[str, Any]) -> dict[str, str]:
    """The SDK's configuration for the job's merchant and ``scheme`` (jwt, p12 or
    http_signature). With ``signed_host`` the SDK signs that host (its run environment) and
    connects to ``url`` (its ``IntermediateHost``), as behind a proxy."""
    ApiClient.get_client_id = _client_id
    # No booleans: they fail the SDK's config validation unless logging is on (notes §9).
    config = {
        "authentication_type": "HTTP_Signature" if job["scheme"] == "http_signature" else "JWT",
        "merchantid": job["merchant_id"],
        "run_environment": job.get("signed_host") or job["url"],
    }
    if job.get("signed_host"):
        config["IntermediateHost"] = job["url"]
    if job["scheme"] == "p12":
        config.update(
            jwt_key_type="P12",
            keys_directory=job["keys_directory"],
            key_file_name=job["key_file_name"],
            key_alias=job["merchant_id"],
            key_password=job["p12_password"],
        )
    else:
        config.update(merchant_keyid=job["key_id"], merchant_secretkey=job["secret_b64"])
    if job["scheme"] == "jwt":
        config["jwt_key_type"] = "SHARED_SECRET"
    return config


def api_for(job: dict[str, Any]) -> InvoicesApi:
    return InvoicesApi(sdk_config(job))


def run_round(api: InvoicesApi, scheme: str, first: int, calls: int, warmup: int) -> dict[str, Any]:
    wall_ms: list[float] = []
    cpu_ms: list[float] = []
    for index in range(first, first + warmup + calls):
        wall, cpu = time.perf_counter(), time.thread_time()
        api.create_invoice(build_request(f"SDK-{scheme}-{index}"))
        if index >= first + warmup:
            wall_ms.append((time.perf_counter() - wall) * 1000)
            cpu_ms.append((time.thread_time() - cpu) * 1000)
    return {"wall_ms": wall_ms, "cpu_ms": cpu_ms}


def main() -> None:
    job = json.loads(sys.stdin.readline())
    api = api_for(job)
    answer(sys.stdout, {"sdk_version": metadata.version("cybersource-rest-client-python")})
    for line in sys.stdin:
        run = json.loads(line)
        answer(sys.stdout, run_round(api, job["scheme"], run["first"], run["calls"], run["warmup"]))


def answer(stream: TextIO, message: dict[str, Any]) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


if __name__ == "__main__":
    main()
