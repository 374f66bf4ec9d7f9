"""Benchmarks and their data generators (``strata bench ...``): they report, never assert.

Shipped as ``strata.bench`` behind the ``bench`` extra (``pip install 'strata-memory[bench]'``);
nothing in the runtime packages imports them, and the tests import only the synthetic-data
generator ``strata.bench.analytics``'s writer, never a benchmark runner.
"""
