"""The benchmark suite of issue 11: ``python -m benchmarks`` (see docs/benchmarks.md)."""
