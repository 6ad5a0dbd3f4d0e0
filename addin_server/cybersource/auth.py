"""Authentication schemes: objects that turn the exact request being sent into headers.

Each scheme signs the bytes that go on the wire, so the requestor serialises the body once
and passes those bytes both here and to the transport. Key material is parsed once, when
the authenticator is built (one authenticator per merchant credentials, never a shared
cache keyed by file name — see notes §9 on the SDK mixing up merchants' P12 files).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from enum import StrEnum
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import NameOID

from addin_server.cybersource.credentials import (
    Credentials,
    P12Credentials,
    SharedSecretCredentials,
    SharedSecretScheme,
)
from addin_server.cybersource.errors import InvalidCredentialsError

Clock = Callable[[], float]
JtiFactory = Callable[[], str]

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
JWT_LIFETIME_SECONDS = 120  # Cybersource's maximum exp - iat


@dataclass(frozen=True)
class SignableRequest:
    """What a scheme signs: ``path`` includes the query string; ``body`` is the exact bytes sent."""

    method: str
    host: str
    path: str
    body: bytes | None = None


class Authenticator(Protocol):
    """Returns the authentication headers for one request (called again for every retry)."""

    merchant_id: str

    def headers(self, request: SignableRequest) -> dict[str, str]: ...


def body_digest(body: bytes) -> str:
    """Base64 of SHA-256 over the body bytes, as used by both the JWT and the HTTP Signature."""
    return base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, for the JWT's parts and for request bodies (what is signed is
    exactly what is sent).

    One encoder for all calls: ``json.dumps`` with options builds a new one each time.
    """
    return _COMPACT_JSON.encode(value).encode("utf-8")


def _new_jti() -> str:
    return str(uuid.uuid4())


def decode_shared_secret(shared_secret_b64: str) -> bytes:
    try:
        secret = base64.b64decode(shared_secret_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidCredentialsError(
            "the shared secret is not valid Base64", field="shared_secret"
        ) from exc
    if not secret:
        raise InvalidCredentialsError("the shared secret is empty", field="shared_secret")
    return secret


class MethodCase(StrEnum):
    """Case of the ``request-method`` claim.

    CONFLICT (notes §4.4): the official Python SDK sends it upper-case; a Drupal Commerce
    implementation says Cybersource's spec wants lower-case. Upper is the default.
    """

    UPPER = "upper"
    LOWER = "lower"


@dataclass(frozen=True)
class JwtOptions:
    """Readings of the JWT rules that sources disagree on (notes §4.3, §4.4).

    ``resource_path_with_query``: the 16-May-2026 SDK signs ``request-resource-path`` with the
    query string, the 31-Mar-2026 one without (CONFLICT); with the query is the default.
    """

    method_case: MethodCase = MethodCase.UPPER
    resource_path_with_query: bool = True


DEFAULT_JWT_OPTIONS = JwtOptions()


class _JwtAuth(ABC):
    """JWT "v2" bearer token; subclasses pick the algorithm, ``kid`` and signing key."""

    algorithm: str

    def __init__(
        self,
        merchant_id: str,
        kid: str,
        options: JwtOptions,
        clock: Clock,
        new_jti: JtiFactory,
    ) -> None:
        self.merchant_id = merchant_id
        self._options = options
        self._clock = clock
        self._new_jti = new_jti
        self._encoded_header = _b64url(
            encode_json({"kid": kid, "alg": self.algorithm, "typ": "JWT"})
        )

    def claims(self, request: SignableRequest) -> dict[str, Any]:
        issued_at = int(self._clock())
        claims: dict[str, Any] = {}
        if request.method in BODY_METHODS:
            claims["digest"] = body_digest(request.body or b"")
            claims["digestAlgorithm"] = "SHA-256"
        method = request.method
        path = request.path
        if self._options.method_case is MethodCase.LOWER:
            method = method.lower()
        if not self._options.resource_path_with_query:
            path = path.split("?", 1)[0]
        claims.update(
            {
                "iat": issued_at,
                "exp": issued_at + JWT_LIFETIME_SECONDS,
                "request-method": method,
                "request-host": request.host,
                "request-resource-path": path,
                "iss": self.merchant_id,
                "jti": self._new_jti(),
                "v-c-jwt-version": "2",
                "v-c-merchant-id": self.merchant_id,
            }
        )
        return claims

    def headers(self, request: SignableRequest) -> dict[str, str]:
        signing_input = f"{self._encoded_header}.{_b64url(encode_json(self.claims(request)))}"
        signature = self._sign(signing_input.encode("ascii"))
        return {"Authorization": f"Bearer {signing_input}.{_b64url(signature)}"}

    @abstractmethod
    def _sign(self, signing_input: bytes) -> bytes: ...


class JwtSharedSecretAuth(_JwtAuth):
    """JWT HS256 with the REST shared secret; ``kid`` is the key id."""

    algorithm = "HS256"

    def __init__(
        self,
        credentials: SharedSecretCredentials,
        options: JwtOptions = DEFAULT_JWT_OPTIONS,
        clock: Clock = time.time,
        new_jti: JtiFactory = _new_jti,
    ) -> None:
        super().__init__(credentials.merchant_id, credentials.key_id, options, clock, new_jti)
        self._secret = decode_shared_secret(credentials.shared_secret_b64)

    def _sign(self, signing_input: bytes) -> bytes:
        return hmac.digest(self._secret, signing_input, "sha256")


@dataclass(frozen=True)
class P12Key:
    """The private key and the ``kid`` (subject serialNumber) taken from a merchant's P12."""

    private_key: rsa.RSAPrivateKey
    kid: str


def _is_pkcs12_envelope(data: bytes) -> bool:
    """Whether ``data`` starts like a PKCS#12 file: a DER/BER SEQUENCE whose first element is
    INTEGER 3 (the PFX version), its length (if definite) covering exactly the whole file."""
    if len(data) < 5 or data[0] != 0x30:
        return False
    length_octets = data[1] & 0x7F if data[1] & 0x80 else 0
    offset = 2 + length_octets
    if data[1] == 0x80:  # BER indefinite length: no total to compare
        return data[2:5] == b"\x02\x01\x03"
    length = int.from_bytes(data[2:offset], "big") if length_octets else data[1]
    return offset + length == len(data) and data[offset : offset + 3] == b"\x02\x01\x03"


def load_p12_key(credentials: P12Credentials) -> P12Key:
    """Open the P12 and pick the certificate whose subject CN equals the key alias."""
    try:
        bundle = pkcs12.load_pkcs12(credentials.p12, credentials.password.encode("utf-8"))
    except ValueError as exc:
        # cryptography says ValueError for both; a file that is a PKCS#12 envelope failed
        # its integrity check, which is what a wrong password does.
        if not _is_pkcs12_envelope(credentials.p12):
            raise InvalidCredentialsError(
                "not a PKCS#12 (.p12) file, or the file is damaged", field="p12"
            ) from exc
        raise InvalidCredentialsError(
            "the P12 file does not open with this password", field="p12_password"
        ) from exc
    if not isinstance(bundle.key, rsa.RSAPrivateKey):
        raise InvalidCredentialsError("the P12 file holds no RSA private key", field="p12")
    certificates = [c.certificate for c in (bundle.cert, *bundle.additional_certs) if c is not None]
    alias = credentials.alias.lower()
    for certificate in certificates:
        common_names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        if any(str(cn.value).lower() == alias for cn in common_names):
            break
    else:
        raise InvalidCredentialsError(
            f"no certificate in the P12 file has CN={credentials.alias}", field="key_alias"
        )
    serial_numbers = certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    if not serial_numbers:
        raise InvalidCredentialsError(
            "the certificate's subject has no serialNumber attribute", field="p12"
        )
    public_der = serialization.PublicFormat.SubjectPublicKeyInfo
    if certificate.public_key().public_bytes(
        serialization.Encoding.DER, public_der
    ) != bundle.key.public_key().public_bytes(serialization.Encoding.DER, public_der):
        raise InvalidCredentialsError(
            "the P12's private key does not belong to the alias certificate", field="p12"
        )
    return P12Key(bundle.key, str(serial_numbers[0].value))


class JwtP12Auth(_JwtAuth):
    """JWT RS256 with the P12's private key; ``kid`` is the certificate subject's serialNumber."""

    algorithm = "RS256"

    def __init__(
        self,
        credentials: P12Credentials,
        options: JwtOptions = DEFAULT_JWT_OPTIONS,
        clock: Clock = time.time,
        new_jti: JtiFactory = _new_jti,
    ) -> None:
        self._key = load_p12_key(credentials)
        super().__init__(credentials.merchant_id, self._key.kid, options, clock, new_jti)

    def _sign(self, signing_input: bytes) -> bytes:
        return self._key.private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())


class SignatureDateHeader(StrEnum):
    """Which header carries the date in an HTTP Signature.

    CONFLICT (notes §4.2): the SDKs send and sign ``Date``; a newer docs version shows a
    ``v-c-date`` header signed as ``v-c-date``. ``Date`` is the default.
    """

    DATE = "date"
    V_C_DATE = "v-c-date"


class HttpSignatureAuth:
    """HTTP Signature with HmacSHA256 (deprecated by Cybersource, notes §4.2).

    Signs ``host date request-target [digest] v-c-merchant-id``; ``request-target`` is the
    lower-case method and the path with query, written without parentheses (the
    ``(request-target)`` form is refused since April 2024).
    """

    def __init__(
        self,
        credentials: SharedSecretCredentials,
        clock: Clock = time.time,
        date_header: SignatureDateHeader = SignatureDateHeader.DATE,
    ) -> None:
        self.merchant_id = credentials.merchant_id
        self._key_id = credentials.key_id
        self._secret = decode_shared_secret(credentials.shared_secret_b64)
        self._clock = clock
        self._date_header = date_header.value

    def headers(self, request: SignableRequest) -> dict[str, str]:
        date = formatdate(self._clock(), usegmt=True)
        signed = {
            "host": request.host,
            self._date_header: date,
            "request-target": f"{request.method.lower()} {request.path}",
        }
        headers = {
            "Host": request.host,
            self._date_header.title(): date,
            "v-c-merchant-id": self.merchant_id,
        }
        if request.method in BODY_METHODS:
            digest = f"SHA-256={body_digest(request.body or b'')}"
            signed["digest"] = digest
            headers["Digest"] = digest
        signed["v-c-merchant-id"] = self.merchant_id
        signing_string = "\n".join(f"{name}: {value}" for name, value in signed.items())
        signature = base64.b64encode(
            hmac.digest(self._secret, signing_string.encode("utf-8"), "sha256")
        ).decode("ascii")
        headers["Signature"] = (
            f'keyid="{self._key_id}", algorithm="HmacSHA256", '
            f'headers="{" ".join(signed)}", signature="{signature}"'
        )
        return headers


def auth_for(
    credentials: Credentials,
    *,
    jwt_options: JwtOptions = DEFAULT_JWT_OPTIONS,
    signature_date_header: SignatureDateHeader = SignatureDateHeader.DATE,
    clock: Clock = time.time,
    new_jti: JtiFactory = _new_jti,
) -> Authenticator:
    """The authenticator for one merchant's credentials; parses key material once."""
    if isinstance(credentials, P12Credentials):
        return JwtP12Auth(credentials, jwt_options, clock, new_jti)
    if credentials.scheme is SharedSecretScheme.HTTP_SIGNATURE:
        return HttpSignatureAuth(credentials, clock, signature_date_header)
    return JwtSharedSecretAuth(credentials, jwt_options, clock, new_jti)
