// Versions of the server and its plugins (status --json, the foundation check).
// Returns: neo4j, gds, apoc
CALL dbms.components() YIELD versions
RETURN versions[0] AS neo4j, gds.version() AS gds, apoc.version() AS apoc
