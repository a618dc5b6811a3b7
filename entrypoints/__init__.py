"""Entrypoints: the CLI and the SDK, and the container that wires adapters to them."""
