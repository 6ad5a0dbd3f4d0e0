"""Invoice records (exactly-once creation intents) and per-merchant invoice number counters.

Revision ID: 0003_invoices
Revises: 0002_merchants
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_invoices"
down_revision: str | None = "0002_merchants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoice_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_profile_id", sa.String(36), nullable=False),
        sa.Column("invoice_number", sa.String(26), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("payload_digest", sa.String(64), nullable=False),
        sa.Column("cybersource_status", sa.String(16), nullable=True),
        sa.Column("payment_link", sa.Text(), nullable=True),
        sa.Column("failure_reason", sa.String(300), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'created', 'failed')", name=op.f("ck_invoice_records_state")
        ),
        sa.ForeignKeyConstraint(
            ["merchant_profile_id"],
            ["merchant_profiles.id"],
            name=op.f("fk_invoice_records_merchant_profile_id_merchant_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_invoice_records_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_records")),
        sa.UniqueConstraint(
            "merchant_profile_id",
            "invoice_number",
            name=op.f("uq_invoice_records_merchant_profile_id"),
        ),
    )
    op.create_index(
        op.f("ix_invoice_records_merchant_profile_id"),
        "invoice_records",
        ["merchant_profile_id"],
    )
    op.create_table(
        "invoice_number_counters",
        sa.Column("merchant_profile_id", sa.String(36), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_profile_id"],
            ["merchant_profiles.id"],
            name=op.f("fk_invoice_number_counters_merchant_profile_id_merchant_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("merchant_profile_id", name=op.f("pk_invoice_number_counters")),
    )


def downgrade() -> None:
    op.drop_table("invoice_number_counters")
    op.drop_index(op.f("ix_invoice_records_merchant_profile_id"), table_name="invoice_records")
    op.drop_table("invoice_records")
