"""``/api/v1/merchants``: thin views over ``profiles`` and ``scope``.

Who may do what is decided in ``scope`` (tenant, role) and ``profiles`` (bootstrap rule),
never here. Request bodies are JSON; the P12 file is Base64 in the ``p12`` field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from addin_server.api import ApiBlueprint, links
from addin_server.caller import current_user, require_member
from addin_server.context import current_settings, request_session
from addin_server.merchants import profiles
from addin_server.merchants.models import MerchantProfile
from addin_server.merchants.schemas import (
    ProfileChangesSchema,
    ProfileInputSchema,
    ProfileListSchema,
    ProfileSchema,
)
from addin_server.merchants.scope import list_visible, profile_for
from addin_server.ratelimits import costly

blp = ApiBlueprint(
    "merchants",
    __name__,
    url_prefix="/api/v1/merchants",
    description="Merchant profiles: Cybersource credentials (write-only) and invoice defaults.",
)


@blp.get("")
@require_member
@blp.response(200, ProfileListSchema)
@links(
    (200,),
    createInvoice={
        "operationId": "createInvoice",
        "requestBody": {"merchant_profile_id": "$response.body#/profiles/0/id"},
    },
)
def list_profiles() -> dict[str, Sequence[MerchantProfile]]:
    """The profiles the signed-in member may use."""
    return {"profiles": list_visible(request_session(), current_user())}


@blp.post("")
@blp.arguments(ProfileInputSchema())
@blp.response(201, ProfileSchema)
def create_profile(data: dict[str, Any]) -> MerchantProfile:
    """Create a profile once Cybersource accepts its credentials (admins; anyone signed in
    for the organisation's first profile, who then becomes admin)."""
    return profiles.create_profile(
        request_session(),
        current_user(),
        data,
        settings=current_settings(),
    )


@blp.get("/<uuid:profile_id>")
@blp.response(200, ProfileSchema)
def get_profile(profile_id: UUID) -> MerchantProfile:
    return profile_for(request_session(), current_user(), str(profile_id))


@blp.patch("/<uuid:profile_id>")
@blp.arguments(ProfileChangesSchema())
@blp.response(200, ProfileSchema)
def update_profile(changes: dict[str, Any], profile_id: UUID) -> MerchantProfile:
    """Change fields (admins). New credentials, merchant id or environment are verified with
    Cybersource first; secret material is replaced as a whole or not at all."""
    return profiles.update_profile(
        request_session(),
        current_user(),
        str(profile_id),
        changes,
        settings=current_settings(),
    )


@blp.delete("/<uuid:profile_id>")
@blp.response(204)
def delete_profile(profile_id: UUID) -> None:
    profiles.delete_profile(request_session(), current_user(), str(profile_id))


@blp.post("/<uuid:profile_id>/verify")
@costly
@blp.response(200, ProfileSchema)
def verify_profile(profile_id: UUID) -> MerchantProfile:
    """Check the stored credentials with Cybersource again (admins)."""
    return profiles.verify_profile(
        request_session(),
        current_user(),
        str(profile_id),
        settings=current_settings(),
    )
