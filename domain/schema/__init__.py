"""The schema model: fields, the compact format, JSON Schema, types, bounds and record validation."""
