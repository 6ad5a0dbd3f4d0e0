"""Invoice records for the Invoices API: idempotency key, what was invoiced, source email,
states creating/created/unknown/failed; merchant profiles that need re-verification.

Revision ID: 0004_invoice_api
Revises: 0003_invoices
Create Date: 2026-12-06
"""

import secrets
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004_invoice_api"
down_revision: str | None = "0003_invoices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW_STATES = "state IN ('creating', 'created', 'unknown', 'failed')"
_OLD_STATES = "state IN ('pending', 'created', 'failed')"
_SOURCE_COLUMNS = ("source_item_id", "source_conversation_id", "source_internet_message_id")


def _new_columns() -> list[sa.Column[Any]]:
    """Non-null columns get a server default, so rows written before this revision fit."""
    empty = sa.text("''")
    return [
        sa.Column("public_id", sa.String(32), nullable=True),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("request_digest", sa.String(64), nullable=True),
        sa.Column("mode", sa.String(24), nullable=False, server_default="draft"),
        sa.Column("customer_name", sa.String(100), nullable=False, server_default=empty),
        sa.Column("customer_email", sa.String(255), nullable=False, server_default=empty),
        sa.Column("customer_company", sa.String(60), nullable=False, server_default=empty),
        sa.Column("customer_address", sa.JSON(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False, server_default=empty),
        sa.Column("line_items", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("currency", sa.String(3), nullable=False, server_default=empty),
        sa.Column("total_minor", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column(
            "allow_partial_payments", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
        sa.Column("minimum_partial_minor", sa.BigInteger(), nullable=True),
        sa.Column("warning", sa.String(300), nullable=True),
        *(sa.Column(name, sa.String(512), nullable=True) for name in _SOURCE_COLUMNS),
        sa.Column("source_subject", sa.String(255), nullable=True),
    ]


def _backfill() -> None:
    connection = op.get_bind()
    connection.execute(
        sa.text("UPDATE invoice_records SET state = 'creating' WHERE state = 'pending'")
    )
    connection.execute(
        sa.text(
            "UPDATE invoice_records SET tenant_id = (SELECT tenant_id FROM merchant_profiles"
            " WHERE merchant_profiles.id = invoice_records.merchant_profile_id)"
        )
    )
    ids = connection.execute(sa.text("SELECT id FROM invoice_records")).scalars().all()
    for row_id in ids:
        connection.execute(
            sa.text("UPDATE invoice_records SET public_id = :public_id WHERE id = :id"),
            {"public_id": "inv_" + secrets.token_hex(12), "id": row_id},
        )


def upgrade() -> None:
    with op.batch_alter_table("invoice_records") as batch:
        for column in _new_columns():
            batch.add_column(column)
        batch.drop_constraint(op.f("ck_invoice_records_state"), type_="check")
    _backfill()
    with op.batch_alter_table("invoice_records") as batch:
        batch.alter_column("public_id", existing_type=sa.String(32), nullable=False)
        batch.alter_column("tenant_id", existing_type=sa.String(64), nullable=False)
        batch.create_check_constraint(op.f("ck_invoice_records_state"), _NEW_STATES)
        batch.create_unique_constraint(op.f("uq_invoice_records_public_id"), ["public_id"])
        batch.create_unique_constraint(
            op.f("uq_invoice_records_tenant_id"), ["tenant_id", "idempotency_key"]
        )
        batch.create_foreign_key(
            op.f("fk_invoice_records_tenant_id_tenants"),
            "tenants",
            ["tenant_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.create_index(
        op.f("ix_invoice_records_tenant_created"), "invoice_records", ["tenant_id", "created_at"]
    )
    op.create_index(
        op.f("ix_invoice_records_tenant_customer"),
        "invoice_records",
        ["tenant_id", "customer_email"],
    )
    for name in _SOURCE_COLUMNS:
        op.create_index(op.f(f"ix_invoice_records_{name}"), "invoice_records", [name])
    with op.batch_alter_table("merchant_profiles") as batch:
        batch.add_column(
            sa.Column(
                "needs_reverification", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("merchant_profiles") as batch:
        batch.drop_column("needs_reverification")
    for name in _SOURCE_COLUMNS:
        op.drop_index(op.f(f"ix_invoice_records_{name}"), table_name="invoice_records")
    op.drop_index(op.f("ix_invoice_records_tenant_customer"), table_name="invoice_records")
    op.drop_index(op.f("ix_invoice_records_tenant_created"), table_name="invoice_records")
    with op.batch_alter_table("invoice_records") as batch:
        batch.drop_constraint(op.f("fk_invoice_records_tenant_id_tenants"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_invoice_records_tenant_id"), type_="unique")
        batch.drop_constraint(op.f("uq_invoice_records_public_id"), type_="unique")
        batch.drop_constraint(op.f("ck_invoice_records_state"), type_="check")
        for column in reversed(_new_columns()):
            batch.drop_column(column.name)
    op.execute(
        "UPDATE invoice_records SET state = 'pending' WHERE state IN ('creating', 'unknown')"
    )
    with op.batch_alter_table("invoice_records") as batch:
        batch.create_check_constraint(op.f("ck_invoice_records_state"), _OLD_STATES)
