"""The SDK generator: turns each spec in openapi/ into a typed package in sdk/ (see build.py)."""
