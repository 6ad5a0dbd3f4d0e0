"""Request and response bodies of ``/api/v1/merchants``.

Secret fields are ``load_only``: accepted, never dumped. The P12 file travels as Base64 in
the JSON body (``p12``), which the taskpane can send without a multipart form.

Assumptions (documented in the API): Cybersource merchant ids are letters, digits and
underscores, at most 30 characters; key ids are UUIDs (Business Center → Key Management).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from addin_server.currencies import is_known_currency
from addin_server.cybersource import Environment
from addin_server.merchants.models import AuthScheme

MERCHANT_ID_PATTERN = r"^[A-Za-z0-9_]{1,30}$"
# Kept short and URL-safe: the invoice number becomes a path segment, at most 26 characters.
INVOICE_PREFIX_PATTERN = r"^[A-Za-z0-9-]{0,12}$"
MAX_P12_BYTES = 64 * 1024
MAX_DUE_DAYS = 365
SHARED_SECRET_FIELDS = ("key_id", "shared_secret")
P12_FIELDS = ("p12", "p12_password")
SECRET_FIELDS = (*SHARED_SECRET_FIELDS, *P12_FIELDS, "key_alias")


def _strict_base64(value: str) -> bytes:
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("Not valid Base64.") from exc
    if not decoded:
        raise ValidationError("Must not be empty.")
    return decoded


def _check_key_id(value: str) -> None:
    try:
        uuid.UUID(value)
    except ValueError as exc:
        raise ValidationError("Must be the key's id from Business Center, a UUID.") from exc


def _check_shared_secret(value: str) -> None:
    _strict_base64(value)


def _check_currency(value: str) -> None:
    if not is_known_currency(value):
        raise ValidationError("Must be an ISO 4217 currency code such as USD.")


class Base64Bytes(fields.Field[bytes]):
    """A Base64 string in JSON, bytes in Python."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bytes:
        if not isinstance(value, str):
            raise ValidationError("Must be a Base64 string.")
        decoded = _strict_base64(value)
        if len(decoded) > MAX_P12_BYTES:
            raise ValidationError(f"Must be at most {MAX_P12_BYTES // 1024} KiB.")
        return decoded


class ProfileInputSchema(Schema):
    """Every field of a profile, as created (``ProfileChangesSchema`` makes them optional)."""

    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    environment = fields.String(
        required=True, validate=validate.OneOf([e.value for e in Environment])
    )
    merchant_id = fields.String(
        required=True,
        validate=validate.Regexp(
            MERCHANT_ID_PATTERN, error="Must be 1-30 letters, digits or underscores."
        ),
    )
    auth_scheme = fields.String(
        required=True, validate=validate.OneOf([s.value for s in AuthScheme])
    )
    key_id = fields.String(load_only=True, validate=_check_key_id)
    shared_secret = fields.String(load_only=True, validate=_check_shared_secret)
    p12 = Base64Bytes(load_only=True)
    p12_password = fields.String(load_only=True, validate=validate.Length(max=256))
    key_alias = fields.String(load_only=True, validate=validate.Length(min=1, max=64))
    default_currency = fields.String(required=True, validate=_check_currency)
    invoice_number_prefix = fields.String(
        load_default="",
        validate=validate.Regexp(
            INVOICE_PREFIX_PATTERN, error="Must be at most 12 letters, digits or hyphens."
        ),
    )
    default_due_days = fields.Integer(
        load_default=30, strict=True, validate=validate.Range(min=0, max=MAX_DUE_DAYS)
    )

    @post_load
    def _strip_display_name(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if "display_name" in data:
            data["display_name"] = data["display_name"].strip()
            if not data["display_name"]:
                raise ValidationError("Must not be blank.", "display_name")
        return data

    @validates_schema
    def _secret_fields_match_scheme(self, data: dict[str, Any], **_kwargs: Any) -> None:
        # On update the stored scheme matters too: ``profiles.update_profile`` checks there.
        if self.partial:
            return
        errors = secret_field_errors(AuthScheme(data["auth_scheme"]), set(data), replacing=True)
        if errors:
            raise ValidationError(errors)


class ProfileChangesSchema(ProfileInputSchema):
    """The fields to change (PATCH): any subset of ``ProfileInputSchema``'s."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(partial=True, **kwargs)


def secret_field_errors(
    scheme: AuthScheme, given: set[str], *, replacing: bool
) -> dict[str, list[str]]:
    """Which secret fields are missing or out of place for ``scheme``.

    Secret material is replaced as a whole. ``replacing`` (on create, or when switching
    between shared secret and P12) needs all of it; otherwise giving one field of it means
    replacing it, so all are needed too.
    """
    needed = P12_FIELDS if scheme.uses_p12 else SHARED_SECRET_FIELDS
    allowed = {*needed, "key_alias"} if scheme.uses_p12 else set(needed)
    errors: dict[str, list[str]] = {
        name: [f"Not used with auth_scheme {scheme.value}."]
        for name in SECRET_FIELDS
        if name in given and name not in allowed
    }
    if replacing or any(name in given for name in needed):
        for name in needed:
            if name not in given:
                errors[name] = [f"Required with auth_scheme {scheme.value}."]
    return errors


class CredentialsStatusSchema(Schema):
    hint = fields.String(attribute="credentials_hint")
    changed_at = fields.DateTime(attribute="credentials_changed_at")
    verified_at = fields.DateTime(attribute="credentials_verified_at")
    needs_reverification = fields.Boolean(
        metadata={"description": "Cybersource refused them on an invoice call: verify again."}
    )


_CREDENTIALS_STATUS = CredentialsStatusSchema()  # built once, not per profile dumped


class ProfileSchema(Schema):
    id = fields.String()
    display_name = fields.String()
    environment = fields.String()
    merchant_id = fields.String()
    auth_scheme = fields.String()
    default_currency = fields.String()
    invoice_number_prefix = fields.String()
    default_due_days = fields.Integer()
    credentials = fields.Function(_CREDENTIALS_STATUS.dump)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ProfileListSchema(Schema):
    profiles = fields.List(fields.Nested(ProfileSchema))
