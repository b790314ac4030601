"""The numeric engine: optimizers, runs, history, data sets, batches, analysis.

Never imports textual (an import-linter contract and a test enforce it).
"""
