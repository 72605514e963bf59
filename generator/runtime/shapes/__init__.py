"""Shapes: API-shape helpers (pagination, envelopes, versions, schema checks, aliases, model fields)."""
