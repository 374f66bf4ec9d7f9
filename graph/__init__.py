"""Owns Neo4j: settings, connection, Cypher loading, migrations, writes, the local server.

Imports nothing from ingest/, query/ or api/.
"""
