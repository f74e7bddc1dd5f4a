"""Benchmarks for cariberita: every figure is measured beside a reference in the same run.

Run with ``make bench`` (full, about 30 minutes on 2 cores) or ``make bench-quick`` (smoke test).
Not part of the test suite; the statistics and report code are unit-tested in tests/unit.
"""
