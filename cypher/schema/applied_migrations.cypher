// Applied schema migrations.
// Returns: version, checksum
MATCH (m:Migration) WHERE m.version > 0
RETURN m.version AS version, m.checksum AS checksum
ORDER BY version
