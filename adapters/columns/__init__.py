"""Columns in numpy buffers, and what they convert to: Python values, Arrow arrays, CSV cells."""
