// Requires: apoc
// The APOC version (status --json on the 5.26 line; APOC is not published for 2026.x).
// Returns: apoc
RETURN apoc.version() AS apoc
