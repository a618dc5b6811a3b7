"""The pure domain: errors and ports, and one subpackage per concept (schema, generation, ai, cache, config, batch)."""
