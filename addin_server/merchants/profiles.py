"""What can be done with merchant profiles: plain functions the routes (and tests) call.

Credentials are checked twice before they are stored: locally (the key material parses, the
P12 opens with its password and holds the alias's certificate; errors name the field), then
by Cybersource (a signed GET of the invoice settings in the chosen environment). Whatever
Cybersource answers other than success, nothing is saved and the problem says what it said.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from addin_server.audit import AuditAction, record_event
from addin_server.caller import CurrentUser
from addin_server.config import Settings
from addin_server.cybersource import (
    AuthenticationFailedError,
    Credentials,
    CybersourceClient,
    CybersourceError,
    Environment,
    InvalidCredentialsError,
    P12Credentials,
    Transport,
    UpstreamUnavailableError,
    load_p12_key,
)
from addin_server.identity import grant_admin_for_first_profile
from addin_server.merchants.encryption import Keyring
from addin_server.merchants.models import AuthScheme, MerchantProfile, new_profile_id
from addin_server.merchants.schemas import (
    P12_FIELDS,
    SECRET_FIELDS,
    SHARED_SECRET_FIELDS,
    secret_field_errors,
)
from addin_server.merchants.scope import authorise_create, profile_for
from addin_server.merchants.secrets import (
    SecretMaterial,
    build_credentials,
    hint_for,
    open_secrets,
    seal_secrets,
)
from addin_server.merchants.upstream import endpoint_for, timeouts_for
from addin_server.problems import ApiProblem, FieldError, flatten_messages, validation_problem
from addin_server.storage import utcnow

VerifyCredentials = Callable[[Credentials, Environment], None]
TARGET_TYPE = "merchant_profile"
# Changing any of these changes whom Cybersource sees calling: verify again before saving.
CREDENTIAL_FIELDS = frozenset({"environment", "merchant_id", "auth_scheme", *SECRET_FIELDS})
REPLACING_FIELDS = frozenset({*SHARED_SECRET_FIELDS, *P12_FIELDS})
PLAIN_FIELDS = (
    "display_name",
    "environment",
    "merchant_id",
    "auth_scheme",
    "default_currency",
    "invoice_number_prefix",
    "default_due_days",
)


def keyring_for(settings: Settings) -> Keyring:
    return Keyring(settings.encryption_keys)


def cybersource_verifier(settings: Settings) -> VerifyCredentials:
    """Verification by a signed GET of the invoice settings (cheap, needs invoicing enabled)."""

    def verify(credentials: Credentials, environment: Environment) -> None:
        with CybersourceClient.for_merchant(
            credentials, endpoint_for(environment, settings), timeouts=timeouts_for(settings)
        ) as client:
            client.invoice_settings.get()

    return verify


# --- Reading credentials (for the invoices concern) ---------------------------------------


def credentials_of(profile: MerchantProfile, keyring: Keyring) -> Credentials:
    """The profile's decrypted Cybersource credentials; keep them in memory only."""
    return build_credentials(
        profile.merchant_id,
        AuthScheme(profile.auth_scheme),
        SecretMaterial.from_bytes(open_secrets(profile, keyring)),
    )


def client_for(
    profile: MerchantProfile, settings: Settings, *, transport: Transport | None = None
) -> CybersourceClient:
    """A Cybersource client acting as the profile's merchant in the profile's environment.

    Pass a shared ``transport`` to reuse connections across merchants; without one the
    client has its own, closed by ``client.close()`` (or ``with client_for(...) as client``).
    """
    return CybersourceClient.for_merchant(
        credentials_of(profile, keyring_for(settings)),
        endpoint_for(Environment(profile.environment), settings),
        timeouts=timeouts_for(settings),
        transport=transport,
    )


# --- Checking credentials ----------------------------------------------------------------


def key_identifier(credentials: Credentials) -> str:
    """Parse the key material as signing will, naming the field at fault; return what the
    hint shows the end of: the key id, or the P12 certificate's serialNumber (its JWT kid)."""
    if not isinstance(credentials, P12Credentials):
        return credentials.key_id
    try:
        return load_p12_key(credentials).kid
    except InvalidCredentialsError as exc:
        sentence = f"{exc.message[:1].upper()}{exc.message[1:]}."
        raise validation_problem([FieldError(exc.field, sentence)]) from exc


def rejection_problem(error: CybersourceError) -> ApiProblem:
    """What Cybersource answered, as a problem: 400 if it refused, 502 if it could not answer."""
    answer = {
        "status": error.status,
        "reason": error.reason,
        "message": error.message,
        "correlation_id": error.correlation_id,
    }
    if isinstance(error, UpstreamUnavailableError):
        return ApiProblem(
            502,
            "Cybersource could not be reached to verify the credentials; try again later.",
            title="Cybersource unavailable",
            problem_type="/problems/cybersource-unavailable",
            extra={"cybersource": answer},
        )
    what = "authentication failed" if isinstance(error, AuthenticationFailedError) else None
    detail = f"Cybersource did not accept the credentials: {what or error.message}"
    return ApiProblem(
        400,
        detail.rstrip(".") + ".",
        title="Credentials rejected",
        problem_type="/problems/credentials-rejected",
        errors=[FieldError("credentials", detail)],
        extra={"cybersource": answer},
    )


def check_credentials(
    session: Session,
    profile: MerchantProfile,
    credentials: Credentials,
    settings: Settings,
) -> str:
    """Local checks, the tenant's uniqueness rule, then Cybersource's (cheap checks first);
    returns the hint. Raises a problem on any failure."""
    identifier = key_identifier(credentials)
    _check_unique(session, profile)
    _ask_cybersource(profile, credentials, settings)
    return hint_for(identifier)


def _ask_cybersource(
    profile: MerchantProfile, credentials: Credentials, settings: Settings
) -> None:
    """Cybersource's check alone; raises a problem saying what it answered."""
    try:
        cybersource_verifier(settings)(credentials, Environment(profile.environment))
    except InvalidCredentialsError as exc:
        raise validation_problem([FieldError("credentials", exc.message)]) from exc
    except CybersourceError as exc:
        raise rejection_problem(exc) from exc


# --- Changing profiles -------------------------------------------------------------------


def _seal(profile: MerchantProfile, material: SecretMaterial, keyring: Keyring) -> None:
    sealed = seal_secrets(profile, material.to_bytes(), keyring)
    profile.credentials_ciphertext = sealed.blob
    profile.credentials_key_id = sealed.key_id


def _check_unique(session: Session, profile: MerchantProfile) -> None:
    clash = session.scalar(
        select(MerchantProfile.id).where(
            MerchantProfile.tenant_id == profile.tenant_id,
            MerchantProfile.environment == profile.environment,
            MerchantProfile.merchant_id == profile.merchant_id,
            MerchantProfile.id != profile.id,
        )
    )
    if clash is not None:
        raise _duplicate_problem()


def _duplicate_problem() -> ApiProblem:
    return ApiProblem(
        409,
        "Your organisation already has a profile for this merchant id in this environment.",
        errors=[FieldError("merchant_id", "Already used by another profile.")],
    )


def _commit(session: Session) -> None:
    """Commit; a concurrent profile for the same merchant (unique constraint) is a 409."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise _duplicate_problem() from exc


def _summary(profile: MerchantProfile) -> dict[str, Any]:
    return {
        "display_name": profile.display_name,
        "environment": profile.environment,
        "merchant_id": profile.merchant_id,
        "auth_scheme": profile.auth_scheme,
        "hint": profile.credentials_hint,  # not "credentials_hint": a redacted name
    }


def _material_from(data: Mapping[str, Any], base: SecretMaterial) -> SecretMaterial:
    return SecretMaterial(**{name: data.get(name, getattr(base, name)) for name in SECRET_FIELDS})


def _material_after(
    profile: MerchantProfile, changes: Mapping[str, Any], keyring: Keyring
) -> SecretMaterial:
    """New secret material replaces the stored one whole (a P12 without a key alias gets the
    default alias); otherwise the stored one is kept, e.g. for a new environment."""
    if any(name in changes for name in REPLACING_FIELDS):
        return _material_from(changes, SecretMaterial())
    return _material_from(changes, SecretMaterial.from_bytes(open_secrets(profile, keyring)))


def create_profile(
    session: Session,
    caller: CurrentUser,
    data: Mapping[str, Any],
    *,
    settings: Settings,
) -> MerchantProfile:
    """Create after verifying; the tenant's first profile makes a non-admin creator admin."""
    becomes_admin = authorise_create(session, caller)
    profile = MerchantProfile(
        id=new_profile_id(),
        tenant_id=caller.tenant_id,
        **{name: data[name] for name in PLAIN_FIELDS},
    )
    material = _material_from(data, SecretMaterial())
    credentials = build_credentials(profile.merchant_id, AuthScheme(profile.auth_scheme), material)
    profile.credentials_hint = check_credentials(session, profile, credentials, settings)
    profile.credentials_changed_at = profile.credentials_verified_at = utcnow()
    _seal(profile, material, keyring_for(settings))
    session.add(profile)
    if becomes_admin:
        grant_admin_for_first_profile(session, caller)
    record_event(
        session, caller, AuditAction.MERCHANT_CREATED, TARGET_TYPE, profile.id, _summary(profile)
    )
    _commit(session)
    return profile


def update_profile(
    session: Session,
    caller: CurrentUser,
    profile_id: str,
    changes: Mapping[str, Any],
    *,
    settings: Settings,
) -> MerchantProfile:
    """Apply ``changes``; a change to anything Cybersource sees is verified before saving.

    Secret material is replaced as a whole (see ``schemas.secret_field_errors``); without
    it, the stored secrets are re-used, e.g. to move a profile from sandbox to production.
    """
    profile = profile_for(session, caller, profile_id, manage=True)
    old_scheme = AuthScheme(profile.auth_scheme)
    scheme = AuthScheme(changes.get("auth_scheme", old_scheme))
    field_errors = secret_field_errors(
        scheme, set(changes), replacing=scheme.uses_p12 != old_scheme.uses_p12
    )
    if field_errors:
        raise validation_problem(flatten_messages(field_errors))
    changed = sorted(
        name
        for name, value in changes.items()
        if name in SECRET_FIELDS or getattr(profile, name) != value
    )
    for name in PLAIN_FIELDS:
        if name in changes:
            setattr(profile, name, changes[name])
    credentials_changed = bool(CREDENTIAL_FIELDS.intersection(changed))
    if credentials_changed:
        keyring = keyring_for(settings)
        material = _material_after(profile, changes, keyring)
        credentials = build_credentials(profile.merchant_id, scheme, material)
        profile.credentials_hint = check_credentials(session, profile, credentials, settings)
        profile.credentials_changed_at = profile.credentials_verified_at = utcnow()
        profile.needs_reverification = False
        _seal(profile, material, keyring)
    if changed:
        action = (
            AuditAction.MERCHANT_CREDENTIALS_CHANGED
            if credentials_changed
            else AuditAction.MERCHANT_UPDATED
        )
        record_event(session, caller, action, TARGET_TYPE, profile.id, {"changed": changed})
        _commit(session)
    return profile


def verify_profile(
    session: Session,
    caller: CurrentUser,
    profile_id: str,
    *,
    settings: Settings,
) -> MerchantProfile:
    """Check the stored credentials with Cybersource again; the outcome is audited either way.

    Only Cybersource's check: the local ones and the uniqueness rule held when they were saved.
    """
    profile = profile_for(session, caller, profile_id, manage=True)
    credentials = credentials_of(profile, keyring_for(settings))
    try:
        _ask_cybersource(profile, credentials, settings)
    except ApiProblem as problem:
        session.rollback()
        record_event(
            session,
            caller,
            AuditAction.MERCHANT_VERIFICATION_FAILED,
            TARGET_TYPE,
            profile.id,
            {"detail": problem.detail},
        )
        session.commit()
        raise
    profile.credentials_verified_at = utcnow()
    profile.needs_reverification = False
    record_event(session, caller, AuditAction.MERCHANT_VERIFIED, TARGET_TYPE, profile.id)
    session.commit()
    return profile


def delete_profile(session: Session, caller: CurrentUser, profile_id: str) -> None:
    profile = profile_for(session, caller, profile_id, manage=True)
    record_event(
        session, caller, AuditAction.MERCHANT_DELETED, TARGET_TYPE, profile.id, _summary(profile)
    )
    session.delete(profile)
    session.commit()
