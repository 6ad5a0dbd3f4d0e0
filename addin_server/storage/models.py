"""Every concern's models, imported so that ``metadata`` (used by Alembic) knows all tables.

Add a concern's ``models`` module to ``MODEL_MODULES`` when it gets one.
"""

from addin_server.audit import models as audit_models
from addin_server.identity import models as identity_models
from addin_server.invoices import models as invoices_models
from addin_server.merchants import models as merchants_models
from addin_server.storage.database import Base

MODEL_MODULES = (identity_models, merchants_models, audit_models, invoices_models)
metadata = Base.metadata

__all__ = ["MODEL_MODULES", "metadata"]
