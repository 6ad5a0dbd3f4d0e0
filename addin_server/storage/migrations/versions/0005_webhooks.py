"""Webhook subscriptions with their sealed signing keys, received notifications (applied
once), and reconciliation's per-profile back-off.

Revision ID: 0005_webhooks
Revises: 0004_invoice_api
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_webhooks"
down_revision: str | None = "0004_invoice_api"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _profile_fk() -> sa.ForeignKey:
    return sa.ForeignKey("merchant_profiles.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("merchant_profile_id", sa.String(36), _profile_fk(), nullable=False),
        sa.Column("cybersource_webhook_id", sa.String(64), nullable=False),
        sa.Column("webhook_url", sa.String(2048), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False, index=True),
        sa.Column("key_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("key_sealed_with", sa.String(32), nullable=False),
        sa.Column("key_expires", sa.String(10), nullable=False),
        sa.Column("previous_key_id", sa.String(64), nullable=True, index=True),
        sa.Column("previous_key_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("previous_key_sealed_with", sa.String(32), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "merchant_profile_id", name=op.f("uq_webhook_subscriptions_merchant_profile_id")
        ),
    )
    op.create_table(
        "webhook_notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("notification_id", sa.String(64), nullable=False),
        sa.Column("merchant_profile_id", sa.String(36), _profile_fk(), nullable=False, index=True),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("invoice_number", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "notification_id", name=op.f("uq_webhook_notifications_notification_id")
        ),
    )
    op.create_table(
        "reconcile_states",
        sa.Column("merchant_profile_id", sa.String(36), _profile_fk(), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reconcile_states")
    op.drop_table("webhook_notifications")
    op.drop_table("webhook_subscriptions")
