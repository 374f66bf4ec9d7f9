// Top-$n earlier units of the same user for each new unit, from a vector index (never a scan).
// "Earlier" = not after the unit's own time, so re-running gives the same candidates.
// $index comes from graph.migrations.VectorIndex. Community 5.26 has no filtered vector
// search, so $fetch over-fetches before the per-user filter.
// Params: $index, $fetch, $n, $units [{id, user_id, time, embedding}]
// Returns: id, candidates [{id, score}]
UNWIND $units AS u
CALL db.index.vector.queryNodes($index, $fetch, u.embedding) YIELD node, score
WITH u, node, score
WHERE node.user_id = u.user_id AND node.id <> u.id
  AND (u.time IS NULL OR coalesce(node.time, node.started_at, node.valid_from) <= u.time)
WITH u, node, score ORDER BY score DESC
WITH u, collect({id: node.id, score: score})[..$n] AS candidates
RETURN u.id AS id, candidates AS candidates
