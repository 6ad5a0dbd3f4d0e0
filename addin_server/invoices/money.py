"""Amounts in a currency's minor units (cents for EUR, yen for JPY): exact integer sums."""

from __future__ import annotations

from decimal import Decimal

from addin_server.currencies import MINOR_UNITS, format_amount


def to_minor(amount: Decimal, currency: str) -> int:
    """``Decimal("12.50"), "EUR"`` -> ``1250``; the amount must fit the currency's places."""
    return int(amount.scaleb(MINOR_UNITS[currency]).to_integral_exact())


def from_minor(value: int, currency: str) -> Decimal:
    return Decimal(value).scaleb(-MINOR_UNITS[currency])


def format_minor(value: int, currency: str) -> str:
    """``1250, "EUR"`` -> ``"12.50"``; ``1250, "JPY"`` -> ``"1250"``."""
    return format_amount(from_minor(value, currency), currency)


def has_valid_places(amount: Decimal, currency: str) -> bool:
    try:
        format_amount(amount, currency)
    except ValueError:
        return False
    return True
