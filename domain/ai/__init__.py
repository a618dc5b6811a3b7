"""AI models: request/reply values, the catalog, names, routing, circuit breaker, cost, budget and ledger."""
