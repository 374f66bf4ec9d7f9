// The embedder whose vectors this database holds (empty when none recorded yet).
// Returns: embedder, dim
MATCH (m:Migration {version: 0})
RETURN m.embedder AS embedder, m.dim AS dim
