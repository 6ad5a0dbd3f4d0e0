"""The merchant's invoice settings (``invoiceSettingsInformation``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from addin_server.cybersource.errors import ValidationFailedError
from addin_server.cybersource.limits import check_settings_payload


@dataclass(frozen=True)
class InvoiceSettings:
    """``invoiceSettingsInformation``: the fields the add-in edits, plus the raw JSON.

    An update sends ``to_payload()``: the typed fields merged over ``raw``, so fields this
    type does not model are sent back unchanged.
    """

    merchant_display_name: str = ""
    custom_email_message: str = ""
    enable_reminders: bool = False
    delivery_language: str = ""
    default_currency_code: str = ""
    header_font_color: str = ""
    header_background_color: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InvoiceSettings:
        info = data.get("invoiceSettingsInformation") or {}
        style = info.get("headerStyle") or {}
        return cls(
            merchant_display_name=info.get("merchantDisplayName") or "",
            custom_email_message=info.get("customEmailMessage") or "",
            enable_reminders=bool(info.get("enableReminders")),
            delivery_language=info.get("deliveryLanguage") or "",
            default_currency_code=info.get("defaultCurrencyCode") or "",
            header_font_color=style.get("fontColor") or "",
            header_background_color=style.get("backgroundColor") or "",
            raw=info,
        )

    def to_payload(self) -> dict[str, Any]:
        # The GET answer names 3-D Secure differently from the PUT request (notes §1.2).
        info = {k: v for k, v in self.raw.items() if k != "payerAuthentication3DSVersion"}
        typed: dict[str, Any] = {
            "merchantDisplayName": self.merchant_display_name,
            "customEmailMessage": self.custom_email_message,
            "enableReminders": self.enable_reminders,
            "deliveryLanguage": self.delivery_language,
            "defaultCurrencyCode": self.default_currency_code,
        }
        info.update({k: v for k, v in typed.items() if v != ""})
        style = {
            k: v
            for k, v in (
                ("fontColor", self.header_font_color),
                ("backgroundColor", self.header_background_color),
            )
            if v
        }
        if style:
            info["headerStyle"] = style
        payload = {"invoiceSettingsInformation": info}
        issues = check_settings_payload(payload)
        if issues:
            raise ValidationFailedError(
                "the settings are not valid; nothing was sent", details=tuple(issues)
            )
        return payload
