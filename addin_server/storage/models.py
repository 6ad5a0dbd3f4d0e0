"""Every concern's models, imported so that ``metadata`` (used by Alembic) knows all tables.

Add one import line here when a concern gets a ``models.py``.
"""

import addin_server.audit.models
import addin_server.identity.models  # noqa: F401
import addin_server.merchants.models
from addin_server.storage.database import Base

metadata = Base.metadata

__all__ = ["metadata"]
