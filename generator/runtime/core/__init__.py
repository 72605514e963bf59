"""Core: the error tree, clock, secrets, defaults, the environment and what every other wing builds on."""
