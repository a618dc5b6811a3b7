"""Batches: many jobs from one file, and what each did."""
