"""The TextModel wrappers of a run's model stack: router, cache, budget, provider dispatch."""
