// The server's release (Graph.capabilities).
// Returns: neo4j (e.g. '5.26.24', '2026.01.4')
CALL dbms.components() YIELD name, versions
WITH name, versions WHERE name = 'Neo4j Kernel'
RETURN versions[0] AS neo4j
