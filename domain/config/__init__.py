"""Configuration: the settings tree and secrets."""
