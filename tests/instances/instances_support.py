"""Helpers of the tests of several instances."""

from __future__ import annotations

import requests

PREFILL = {"body": "Please invoice 2 widgets at $5 each."}


def assert_rate_limited(response: requests.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/rate-limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
