// Record the embedder whose vectors this database holds.
// Params: $embedder, $dim
MERGE (m:Migration {version: 0})
SET m.name = 'vector_indexes', m.embedder = $embedder, m.dim = $dim
