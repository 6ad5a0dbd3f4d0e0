"""Cybersource's refusals in our body's names, through the one upstream problem handler."""

from __future__ import annotations

from addin_server.cybersource import (
    FieldIssue,
    OutcomeUnknownError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    ValidationFailedError,
)
from addin_server.invoices.upstream import to_raise
from addin_server.upstream_problems import upstream_problem


def test_cybersource_field_errors_name_our_fields() -> None:
    refused = ValidationFailedError(
        "Field validation errors.",
        status=400,
        reason="VALIDATION_ERROR",
        details=(
            FieldIssue("orderInformation.lineItems[1].unitPrice", "INVALID_DATA"),
            FieldIssue("customerInformation.email", "MISSING_FIELD"),
            FieldIssue("customerInformation.company.name", "INVALID_DATA"),
            FieldIssue("orderInformation.lineItems[0].taxRate", "INVALID_DATA"),
            FieldIssue("orderInformation.amountDetails.totalAmount", "INVALID_DATA"),
            FieldIssue("invoiceInformation.dueDate", "INVALID_DATA"),
        ),
    )
    problem = upstream_problem(to_raise(refused))
    assert problem.status == 422
    assert [(e.field, e.location) for e in problem.errors] == [
        ("line_items.1.unit_price", "json"),
        ("customer.email", "json"),
        ("customer.company", "json"),
        ("line_items.0", "json"),
        ("total", "json"),
        ("due_date", "json"),
    ]
    assert problem.errors[1].detail == "Required."


def test_unknown_outcome_after_a_timeout_is_a_504_otherwise_a_503() -> None:
    timed_out = upstream_problem(to_raise(OutcomeUnknownError(UpstreamTimeoutError("lost"))))
    unavailable = upstream_problem(
        to_raise(OutcomeUnknownError(UpstreamUnavailableError("down", status=503)))
    )
    assert (timed_out.status, unavailable.status) == (504, 503)
    for problem in (timed_out, unavailable):
        assert problem.problem_type == "/problems/upstream-unavailable"
        assert int(problem.headers["Retry-After"]) >= 1
