"""Every table of the app in one ``metadata``: what Alembic compares migrations with.

App level, above the concerns: importing a concern's package registers its models on
storage's ``Base`` (storage itself imports no concern). A concern that gets tables adds its
package to ``CONCERNS_WITH_TABLES``; its migration goes in ``storage/migrations/versions/``.
Hand ``metadata`` to ``storage.alembic_config`` to autogenerate a migration.
"""

from addin_server import audit, identity, invoices, merchants, webhooks
from addin_server.storage import Base

CONCERNS_WITH_TABLES = (identity, merchants, audit, invoices, webhooks)
metadata = Base.metadata

__all__ = ["CONCERNS_WITH_TABLES", "metadata"]
