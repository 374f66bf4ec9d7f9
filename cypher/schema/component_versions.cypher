// Versions of the server and GDS (status --json, the foundation check); APOC has its own
// statement (schema/apoc_version): it exists only on the 5.26 line.
// Returns: neo4j, gds
CALL dbms.components() YIELD name, versions
WITH name, versions WHERE name = 'Neo4j Kernel'
RETURN versions[0] AS neo4j, gds.version() AS gds
