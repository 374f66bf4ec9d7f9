"""Strata: long-term memory for LLM agents on a real Neo4j graph.

The repository keeps its layers as top-level folders (`ingest/`, `graph/`, `query/`, `api/`,
`cypher/`); this package maps them under one import name, `strata`, so an installed wheel adds
exactly one top-level package.
"""

__version__ = "0.1.0"
