"""Databases that datasets are loaded into: SQL types and keys, SQLite, PostgreSQL."""
