"""Optional integrations: stream pipelines, vector stores, workflow engines (built-in, real, plugin, null)."""
