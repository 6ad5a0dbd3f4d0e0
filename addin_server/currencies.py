"""ISO 4217 currencies and their minor units; amounts go to Cybersource as exact strings."""

from __future__ import annotations

from decimal import Decimal

# Active ISO 4217 codes by number of minor units (ISO 4217 list one, 2024 amendment).
_ZERO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
_FOUR_DECIMALS = "CLF UYW"
_TWO_DECIMALS = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD "
    "FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD "
    "KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD "
    "NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP "
    "SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VES "
    "VED WST XCD XCG YER ZAR ZMW ZWG"
)

MINOR_UNITS: dict[str, int] = {
    code: units
    for codes, units in (
        (_ZERO_DECIMALS, 0),
        (_TWO_DECIMALS, 2),
        (_THREE_DECIMALS, 3),
        (_FOUR_DECIMALS, 4),
    )
    for code in codes.split()
}


def is_known_currency(code: str) -> bool:
    return code in MINOR_UNITS


def format_amount(amount: Decimal, currency: str) -> str:
    """``Decimal("12.5"), "USD"`` -> ``"12.50"``; raises ``ValueError`` if cents would be lost."""
    units = MINOR_UNITS[currency]
    quantum = Decimal(1).scaleb(-units)
    if not amount.is_finite():
        raise ValueError("must be a finite number")
    exact = amount.quantize(quantum)
    if exact != amount:
        raise ValueError(f"has more than {units} decimal places for {currency}")
    return f"{exact:f}"


def parse_amount(value: object) -> Decimal:
    """Cybersource sends amounts as strings, but its examples also show JSON numbers."""
    if value is None or value == "":
        return Decimal(0)
    return Decimal(str(value))
