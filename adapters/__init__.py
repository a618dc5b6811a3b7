"""Adapters: the outside world (engine, providers, sinks, cache, integrations, config files)."""
