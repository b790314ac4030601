"""Benchmarks (`make bench`): figures to read, not pass/fail tests."""
