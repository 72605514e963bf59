"""Policies: value objects (retry, circuit, rate limit, timeouts, pool, settings) and their pure decisions."""
