"""Known-answer tests of the three signers.

Expected values are worked out here with hashlib/hmac/base64 from the rules in the
research notes (§4.2-4.4), not with the code under test: fixed clock, fixed jti.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from addin_server.cybersource import (
    InvalidCredentialsError,
    JwtOptions,
    MethodCase,
    P12Credentials,
    SharedSecretCredentials,
    SharedSecretScheme,
    SignableRequest,
    SignatureDateHeader,
    auth_for,
)
from addin_server.cybersource.auth import HttpSignatureAuth, JwtP12Auth, JwtSharedSecretAuth
from addin_server.dev.simulator.demo import rest_certificate, rest_p12
from tests.cybersource.cybersource_support import (
    MERCHANT_ID,
    P12_PASSWORD,
    P12_SERIAL_NUMBER,
    make_loose_p12,
)

NOW = 1_700_000_000  # Tue, 14 Nov 2023 22:13:20 GMT
JTI = "6f1c2a1e-1d55-4e8a-9c61-0f3e8f7a2b10"
SECRET = bytes(range(32))
SECRET_B64 = base64.b64encode(SECRET).decode()
KEY_ID = "08c94330-f618-42a3-b09d-e1e43be5efda"
HOST = "apitest.cybersource.com"
BODY = b'{"invoiceInformation":{"description":"Caf\xc3\xa9"}}'
# SHA-256("{}") in Base64: a constant every Cybersource client signs for body-less POSTs.
EMPTY_BODY_DIGEST = "RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="


def fixed_clock() -> float:
    return NOW + 0.75  # iat truncates to whole seconds


def fixed_jti() -> str:
    return JTI


def shared_secret(scheme: SharedSecretScheme = SharedSecretScheme.JWT) -> SharedSecretCredentials:
    return SharedSecretCredentials(MERCHANT_ID, KEY_ID, SECRET_B64, scheme)


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def split_bearer(headers: dict[str, str]) -> tuple[str, str, str]:
    assert list(headers) == ["Authorization"]
    scheme, token = headers["Authorization"].split(" ")
    assert scheme == "Bearer"
    header, claims, signature = token.split(".")
    return header, claims, signature


def expected_claims(method: str, path: str, body: bytes | None) -> dict[str, object]:
    claims: dict[str, object] = {}
    if body is not None:
        claims["digest"] = base64.b64encode(hashlib.sha256(body).digest()).decode()
        claims["digestAlgorithm"] = "SHA-256"
    claims.update(
        {
            "iat": NOW,
            "exp": NOW + 120,
            "request-method": method,
            "request-host": HOST,
            "request-resource-path": path,
            "iss": MERCHANT_ID,
            "jti": JTI,
            "v-c-jwt-version": "2",
            "v-c-merchant-id": MERCHANT_ID,
        }
    )
    return claims


def test_empty_body_digest_constant() -> None:
    assert base64.b64encode(hashlib.sha256(b"{}").digest()).decode() == EMPTY_BODY_DIGEST


def test_jwt_shared_secret_post_known_answer() -> None:
    auth = JwtSharedSecretAuth(shared_secret(), clock=fixed_clock, new_jti=fixed_jti)
    request = SignableRequest("POST", HOST, "/invoicing/v2/invoices", BODY)

    header, claims, signature = split_bearer(auth.headers(request))

    assert json.loads(b64url_decode(header)) == {"kid": KEY_ID, "alg": "HS256", "typ": "JWT"}
    assert json.loads(b64url_decode(claims)) == expected_claims(
        "POST", "/invoicing/v2/invoices", BODY
    )
    expected = hmac.new(SECRET, f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert signature == b64url(expected)


def test_jwt_shared_secret_exact_token_for_get_with_query() -> None:
    """The whole token, byte for byte, with the JSON member order written out here."""
    auth = JwtSharedSecretAuth(shared_secret(), clock=fixed_clock, new_jti=fixed_jti)
    path = "/invoicing/v2/invoices?offset=0&limit=10&status=DRAFT"

    token = auth.headers(SignableRequest("GET", HOST, path))["Authorization"].removeprefix(
        "Bearer "
    )

    header_json = f'{{"kid":"{KEY_ID}","alg":"HS256","typ":"JWT"}}'
    claims_json = (
        f'{{"iat":{NOW},"exp":{NOW + 120},"request-method":"GET","request-host":"{HOST}",'
        f'"request-resource-path":"{path}","iss":"{MERCHANT_ID}","jti":"{JTI}",'
        f'"v-c-jwt-version":"2","v-c-merchant-id":"{MERCHANT_ID}"}}'
    )
    signing_input = f"{b64url(header_json.encode())}.{b64url(claims_json.encode())}"
    signature = hmac.new(SECRET, signing_input.encode(), hashlib.sha256).digest()
    assert token == f"{signing_input}.{b64url(signature)}"


def test_jwt_shared_secret_verifies_with_pyjwt() -> None:
    auth = JwtSharedSecretAuth(shared_secret(), clock=fixed_clock, new_jti=fixed_jti)
    token = auth.headers(SignableRequest("PUT", HOST, "/invoicing/v2/invoices/7", BODY))[
        "Authorization"
    ].removeprefix("Bearer ")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["digest"] == base64.b64encode(hashlib.sha256(BODY).digest()).decode()


def test_body_less_post_signs_the_empty_object() -> None:
    auth = JwtSharedSecretAuth(shared_secret(), clock=fixed_clock, new_jti=fixed_jti)
    request = SignableRequest("POST", HOST, "/invoicing/v2/invoices/7/delivery", b"{}")
    _, claims, _ = split_bearer(auth.headers(request))
    assert json.loads(b64url_decode(claims))["digest"] == EMPTY_BODY_DIGEST


def test_jwt_options_lower_case_method_and_path_without_query() -> None:
    options = JwtOptions(method_case=MethodCase.LOWER, resource_path_with_query=False)
    auth = JwtSharedSecretAuth(shared_secret(), options, clock=fixed_clock, new_jti=fixed_jti)
    request = SignableRequest("GET", HOST, "/invoicing/v2/invoiceSettings?productType=INVOICING")
    _, claims, _ = split_bearer(auth.headers(request))
    decoded = json.loads(b64url_decode(claims))
    assert decoded["request-method"] == "get"
    assert decoded["request-resource-path"] == "/invoicing/v2/invoiceSettings"
    assert "digest" not in decoded


def test_jwt_p12_known_answer(rsa_key: rsa.RSAPrivateKey, p12_bytes: bytes) -> None:
    credentials = P12Credentials(MERCHANT_ID, p12_bytes, P12_PASSWORD)
    auth = JwtP12Auth(credentials, clock=fixed_clock, new_jti=fixed_jti)
    request = SignableRequest("POST", HOST, "/invoicing/v2/invoices", BODY)

    header, claims, signature = split_bearer(auth.headers(request))

    assert json.loads(b64url_decode(header)) == {
        "kid": P12_SERIAL_NUMBER,
        "alg": "RS256",
        "typ": "JWT",
    }
    assert json.loads(b64url_decode(claims)) == expected_claims(
        "POST", "/invoicing/v2/invoices", BODY
    )
    rsa_key.public_key().verify(
        b64url_decode(signature),
        f"{header}.{claims}".encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


def test_p12_key_is_parsed_once(p12_bytes: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    auth = JwtP12Auth(P12Credentials(MERCHANT_ID, p12_bytes, P12_PASSWORD))

    def refuse(*_args: object) -> None:
        raise AssertionError("the P12 was opened again")

    monkeypatch.setattr(pkcs12, "load_pkcs12", refuse)
    for _ in range(3):
        auth.headers(SignableRequest("GET", HOST, "/invoicing/v2/invoices/1"))


def test_p12_alias_matches_case_insensitively(rsa_key: rsa.RSAPrivateKey) -> None:
    p12 = rest_p12("TestMerchant01", P12_SERIAL_NUMBER, P12_PASSWORD, rsa_key)
    auth = JwtP12Auth(P12Credentials(MERCHANT_ID, p12, P12_PASSWORD, key_alias="testmerchant01"))
    assert auth.merchant_id == MERCHANT_ID


@pytest.mark.parametrize(
    ("alias", "serial", "password", "message"),
    [
        (MERCHANT_ID, P12_SERIAL_NUMBER, "wrong", "password"),
        ("someone_else", P12_SERIAL_NUMBER, P12_PASSWORD, "CN="),
        (MERCHANT_ID, None, P12_PASSWORD, "serialNumber"),
    ],
)
def test_unusable_p12_is_rejected(
    rsa_key: rsa.RSAPrivateKey, alias: str, serial: str | None, password: str, message: str
) -> None:
    p12 = rest_p12(alias, serial, P12_PASSWORD, rsa_key)
    with pytest.raises(InvalidCredentialsError, match=message):
        JwtP12Auth(P12Credentials(MERCHANT_ID, p12, password))


@pytest.fixture(scope="module")
def cybersource_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_alias_picks_the_merchant_certificate_among_several(
    rsa_key: rsa.RSAPrivateKey, cybersource_key: rsa.RSAPrivateKey
) -> None:
    """Cybersource's P12 files also hold its own certificates (CN=CyberSource_SJC_US)."""
    theirs = rest_certificate("CyberSource_SJC_US", "SJC", cybersource_key)
    ours = rest_certificate(MERCHANT_ID, P12_SERIAL_NUMBER, rsa_key)
    for certificates in ([ours, theirs], [theirs, ours]):
        p12 = make_loose_p12(rsa_key, certificates, P12_PASSWORD)
        auth = JwtP12Auth(P12Credentials(MERCHANT_ID, p12, P12_PASSWORD))
        header, _, _ = split_bearer(auth.headers(SignableRequest("GET", HOST, "/x")))
        assert json.loads(b64url_decode(header))["kid"] == P12_SERIAL_NUMBER


def test_key_of_another_certificate_is_rejected(
    rsa_key: rsa.RSAPrivateKey, cybersource_key: rsa.RSAPrivateKey
) -> None:
    foreign = rest_certificate(MERCHANT_ID, P12_SERIAL_NUMBER, cybersource_key)
    p12 = make_loose_p12(rsa_key, [foreign], P12_PASSWORD)
    with pytest.raises(InvalidCredentialsError, match="does not belong"):
        JwtP12Auth(P12Credentials(MERCHANT_ID, p12, P12_PASSWORD))


def test_bad_shared_secret_is_rejected() -> None:
    with pytest.raises(InvalidCredentialsError):
        auth_for(SharedSecretCredentials(MERCHANT_ID, KEY_ID, "not base64!"))


def test_http_signature_post_known_answer() -> None:
    auth = HttpSignatureAuth(shared_secret(SharedSecretScheme.HTTP_SIGNATURE), clock=fixed_clock)
    request = SignableRequest("POST", HOST, "/invoicing/v2/invoices/7/cancelation", b"{}")

    headers = auth.headers(request)

    date = "Tue, 14 Nov 2023 22:13:20 GMT"
    signing_string = (
        f"host: {HOST}\n"
        f"date: {date}\n"
        "request-target: post /invoicing/v2/invoices/7/cancelation\n"
        f"digest: SHA-256={EMPTY_BODY_DIGEST}\n"
        f"v-c-merchant-id: {MERCHANT_ID}"
    )
    signature = base64.b64encode(
        hmac.new(SECRET, signing_string.encode(), hashlib.sha256).digest()
    ).decode()
    assert headers == {
        "Host": HOST,
        "Date": date,
        "v-c-merchant-id": MERCHANT_ID,
        "Digest": f"SHA-256={EMPTY_BODY_DIGEST}",
        "Signature": (
            f'keyid="{KEY_ID}", algorithm="HmacSHA256", '
            f'headers="host date request-target digest v-c-merchant-id", '
            f'signature="{signature}"'
        ),
    }


def test_http_signature_get_signs_path_with_query_and_no_digest() -> None:
    auth = HttpSignatureAuth(shared_secret(SharedSecretScheme.HTTP_SIGNATURE), clock=fixed_clock)
    path = "/invoicing/v2/invoices?offset=0&limit=10&status=DRAFT"

    headers = auth.headers(SignableRequest("GET", HOST, path))

    signing_string = (
        f"host: {HOST}\ndate: Tue, 14 Nov 2023 22:13:20 GMT\n"
        f"request-target: get {path}\nv-c-merchant-id: {MERCHANT_ID}"
    )
    signature = base64.b64encode(
        hmac.new(SECRET, signing_string.encode(), hashlib.sha256).digest()
    ).decode()
    assert "Digest" not in headers
    assert headers["Signature"].endswith(
        f'headers="host date request-target v-c-merchant-id", signature="{signature}"'
    )


def test_auth_for_picks_the_scheme(p12_bytes: bytes) -> None:
    assert isinstance(auth_for(shared_secret()), JwtSharedSecretAuth)
    assert isinstance(auth_for(shared_secret(SharedSecretScheme.HTTP_SIGNATURE)), HttpSignatureAuth)
    assert isinstance(auth_for(P12Credentials(MERCHANT_ID, p12_bytes, P12_PASSWORD)), JwtP12Auth)


def test_credentials_do_not_show_secrets(p12_bytes: bytes) -> None:
    assert SECRET_B64 not in repr(shared_secret())
    assert P12_PASSWORD not in repr(P12Credentials(MERCHANT_ID, p12_bytes, P12_PASSWORD))


def test_http_signature_with_v_c_date() -> None:
    """The newer docs' form: a v-c-date header, signed under that name."""
    auth = HttpSignatureAuth(
        shared_secret(SharedSecretScheme.HTTP_SIGNATURE),
        clock=fixed_clock,
        date_header=SignatureDateHeader.V_C_DATE,
    )
    headers = auth.headers(SignableRequest("GET", HOST, "/invoicing/v2/invoices/7"))
    signing_string = (
        f"host: {HOST}\nv-c-date: Tue, 14 Nov 2023 22:13:20 GMT\n"
        f"request-target: get /invoicing/v2/invoices/7\nv-c-merchant-id: {MERCHANT_ID}"
    )
    signature = base64.b64encode(
        hmac.new(SECRET, signing_string.encode(), hashlib.sha256).digest()
    ).decode()
    assert headers["V-C-Date"] == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert "Date" not in headers
    assert headers["Signature"].endswith(
        f'headers="host v-c-date request-target v-c-merchant-id", signature="{signature}"'
    )
