"""Datasets of related tables made by the engine, and where they go: a directory of files or a database."""
