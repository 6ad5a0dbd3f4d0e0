"""Merchant profiles: Cybersource credentials sealed at rest, verified before use, per tenant."""
