"""Datasets of related tables: tables with keys, references between them, per-parent cardinalities."""
