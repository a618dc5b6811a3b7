"""The built-in engine: columnar, vectorised, seeded generators (numpy lives here)."""
