"""The pure domain: schema, requests, generator contracts, validation, errors and ports."""
