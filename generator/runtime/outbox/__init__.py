"""Outbox (optional): durable queue of deferred requests and the deferral of an operation into it."""
