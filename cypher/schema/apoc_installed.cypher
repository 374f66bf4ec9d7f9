// Whether APOC is installed (Graph.capabilities): read from the function list, never by calling
// an APOC function, which fails to compile where APOC is absent.
// Returns: apoc (bool)
SHOW FUNCTIONS YIELD name
WHERE name = 'apoc.version'
RETURN count(name) > 0 AS apoc
