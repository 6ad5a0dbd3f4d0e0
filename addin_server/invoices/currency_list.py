"""The currencies an invoice may be in: ISO 4217 (``addin_server.currencies``) without the
fund codes (bond, investment and accounting units no customer pays in), named by CLDR."""

from __future__ import annotations

import functools

from babel.numbers import get_currency_name

from addin_server.currencies import MINOR_UNITS

# ISO 4217 fund codes: units of account, not currencies a payment page charges.
FUND_CODES = frozenset({"BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW"})


def is_invoice_currency(code: str) -> bool:
    return code in MINOR_UNITS and code not in FUND_CODES


@functools.cache
def invoice_currencies() -> tuple[dict[str, object], ...]:
    """``{"code", "minor_units", "name"}`` of every invoice currency, by code."""
    return tuple(
        {"code": code, "minor_units": units, "name": get_currency_name(code, locale="en")}
        for code, units in sorted(MINOR_UNITS.items())
        if code not in FUND_CODES
    )
