"""Generation requests, the generator contract and registry, record chunks, results, series and event options."""
