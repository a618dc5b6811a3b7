"""Executors that run batch tasks elsewhere than this process's threads: a Dask cluster."""
