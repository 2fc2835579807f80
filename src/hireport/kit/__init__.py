"""Shared primitives: database session, errors, auth, tenancy, paging, clock, ids."""
