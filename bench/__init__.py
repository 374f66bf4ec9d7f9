"""Benchmarks and their data generators (``strata bench ...``): they report, never assert.

Shipped as ``strata.bench`` behind the ``bench`` extra (``pip install 'strata-memory[bench]'``);
nothing in the runtime packages or the tests imports them. The synthetic users they build at
scale come from the runtime writer ``strata.ingest.synthetic`` (``strata synth``).
"""
