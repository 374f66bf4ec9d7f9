// Top-$n earlier units of the same user for each newly arrived unit, from a vector index (never
// a scan). A unit is associated once, when it arrives: units already marked associated_at are
// skipped, so re-ingesting never re-runs the approximate look-up against a grown index.
// "Earlier" = not after the unit's own time. $index comes from graph.migrations.VectorIndex.
// Community 5.26 has no filtered vector search, so $fetch over-fetches before the user filter.
// The index finds the candidates; their scores are recomputed exactly (the index's are int8-
// quantised, off by up to ~0.02 in a small index), the same (1 + cos) / 2 as in-memory linking.
// Params: $index, $fetch, $n, $units [{id, user_id, time, embedding}]
// Returns: id, candidates [{id, score}]
UNWIND $units AS u
MATCH (me:Unit {id: u.id}) USING INDEX me:Unit(id)
WHERE me.user_id = u.user_id AND me.associated_at IS NULL
CALL (u) {
  CALL db.index.vector.queryNodes($index, $fetch, u.embedding) YIELD node
  WITH node
  WHERE node.user_id = u.user_id AND node.id <> u.id
    AND (u.time IS NULL OR coalesce(node.time, node.started_at, node.valid_from) <= u.time)
  WITH node, vector.similarity.cosine(u.embedding, node.embedding) AS score
  ORDER BY score DESC LIMIT $n
  RETURN collect({id: node.id, score: score}) AS candidates
}
RETURN u.id AS id, candidates AS candidates
