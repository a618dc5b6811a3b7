"""Use cases: orchestrate domain objects and ports; no I/O of their own."""
