"""Response cache values: content-hash keys and policies, statistics (its settings are in domain/config)."""
