"""Typed functions: safe parse -> allowlisted tree -> sympy (in a worker) -> fast callables."""
