"""Benchmarks for chatserver against a minimal raw-Tornado baseline (`python -m bench`, `make bench`)."""
