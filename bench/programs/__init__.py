"""Programs the benchmarks time or measure in a fresh interpreter of their own, kept as files so that
ruff and mypy check them."""
