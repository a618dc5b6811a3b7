"""Integration values: stream targets and their counters, temporal comparison results."""
