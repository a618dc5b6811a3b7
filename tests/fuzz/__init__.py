"""The permanent fuzz suite: hostile schemas, configs, batch files, command lines, providers and signals."""
