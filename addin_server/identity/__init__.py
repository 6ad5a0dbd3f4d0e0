"""Microsoft identity: token validation, users, tenants and roles (surface documented below)."""
