"""Response cache values: content-hash keys and policies, cache settings, statistics."""
