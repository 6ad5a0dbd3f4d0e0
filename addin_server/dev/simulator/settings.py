"""Invoice settings per merchant and product type (spec ``/invoicing/v2/invoiceSettings``).

GET and PUT answer the same shape (notes §1.2): every field of the response schema, the
3-D Secure choice as the boolean ``payerAuthentication3DSVersion``, the logo as a data URI.
A PUT replaces the settings: fields it leaves out go back to their defaults.
"""

from __future__ import annotations

import base64
import binascii
import copy
import threading
from collections.abc import Callable
from typing import Any

from addin_server.cybersource.errors import FieldIssue
from addin_server.cybersource.limits import INVALID_DATA, check_settings_payload
from addin_server.dev.simulator.payloads import kept_fields
from addin_server.dev.simulator.replies import CybersourceReply, utc_timestamp, validation_failed

_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}
_SETTINGS_FIELDS: dict[str, Any] = {
    "merchantLogo": None,
    "merchantDisplayName": None,
    "customEmailMessage": None,
    "enableReminders": None,
    "headerStyle": {"fontColor": None, "backgroundColor": None},
    "deliveryLanguage": None,
    "defaultCurrencyCode": None,
    "payerAuthenticationInInvoicing": None,
    "showVatNumber": None,
    "vatRegistrationNumber": None,
    "shipTo": None,
    "phoneNumber": None,
    "email": None,
    "enableMerchantEmailNotifications": None,
    "customLabels": [
        dict.fromkeys(("key", "value", "hidden", "hiddenForInvoice", "hiddenForItem")),
    ],
    "customRedirectUrls": dict.fromkeys(("paymentAccepted", "paymentRejected", "paymentPending")),
}


def default_settings(merchant_id: str) -> dict[str, Any]:
    return {
        "merchantDisplayName": merchant_id,
        "customEmailMessage": "",
        "enableReminders": False,
        "headerStyle": {"fontColor": "#000000", "backgroundColor": "#FFFFFF"},
        "deliveryLanguage": "en-US",
        "defaultCurrencyCode": "USD",
        "payerAuthentication3DSVersion": False,
        "showVatNumber": False,
        "vatRegistrationNumber": "",
        "shipTo": False,
        "phoneNumber": False,
        "email": False,
        "enableMerchantEmailNotifications": False,
        "customLabels": [],
        "customRedirectUrls": {},
    }


class SettingsStore:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._settings: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, merchant_id: str, product_type: str) -> dict[str, Any]:
        with self._lock:
            return self._answer(merchant_id, self._settings.get((merchant_id, product_type)))

    def update(self, merchant_id: str, product_type: str, payload: Any) -> dict[str, Any]:
        issues = check_settings_payload(payload)
        if issues:
            raise validation_failed(issues)
        given = kept_fields(payload.get("invoiceSettingsInformation") or {}, _SETTINGS_FIELDS)
        enable_3ds = given.pop("payerAuthenticationInInvoicing", None)
        if enable_3ds is not None:
            given["payerAuthentication3DSVersion"] = enable_3ds.lower() in ("enable", "update")
        if "merchantLogo" in given:
            given["merchantLogo"] = _logo_uri(given["merchantLogo"])
        with self._lock:
            self._settings[(merchant_id, product_type)] = given
            return self._answer(merchant_id, given)

    def _answer(self, merchant_id: str, given: dict[str, Any] | None) -> dict[str, Any]:
        information = {**default_settings(merchant_id), **copy.deepcopy(given or {})}
        return {
            "submitTimeUtc": utc_timestamp(self._clock()),
            "invoiceSettingsInformation": information,
            "merchantInformation": {
                "name": merchant_id,
                "phone": "",
                "addressDetails": {"address1": "", "city": "", "country": "US", "postalCode": ""},
            },
        }


def _logo_uri(logo: str) -> str:
    """Base64 PNG, JPEG or GIF (or already a data URI) -> ``data:image/...;base64,...``."""
    encoded = logo.split(",", 1)[1] if logo.startswith("data:") else logo
    try:
        head = base64.b64decode(encoded, validate=True)[:4]
    except (binascii.Error, ValueError) as exc:
        raise _invalid_image() from exc
    for magic, mime in _IMAGE_TYPES.items():
        if head.startswith(magic):
            return f"data:{mime};base64,{encoded}"
    raise _invalid_image()


def _invalid_image() -> CybersourceReply:
    return CybersourceReply(
        400,
        "INVALID_IMAGE",
        "The merchant logo is not a PNG, JPEG or GIF.",
        (FieldIssue("invoiceSettingsInformation.merchantLogo", INVALID_DATA),),
    )
