"""Benchmarks: scripts/bench runs each module here and prints its table."""
