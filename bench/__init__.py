"""Benchmarks (not tests): each `bench/<name>*.py` has a `main()` that prints its figures and the baseline
it measured in the same run. Run one with `python -m bench <name>`."""
