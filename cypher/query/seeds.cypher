// All seeds of a plan in one round trip: vector top-k per granularity, BM25 full-text over
// every granularity, and entities named in the question.
// Community 5.26 has no filtered vector search, so vector hits are over-fetched ($fetch) and
// kept only when they belong to the user. $indexes come from graph.migrations.VectorIndex.
// Params: $indexes [names], $fetch, $k, $vector, $lucene (or null), $fulltext_k, $names (or
//         null), $entities_k, $user_id, $as_of (datetime or null)
// Full-text hits are kept per granularity ($fulltext_k each), so questions and facts never
// crowd turns out.
// Returns ONE row: hits, a list of {channel ('vector'|'fulltext'|'entity'), granularity
//          (label), id, score, turn (provenance of Turn hits and the ids of the turns said
//          just before and after them, else null)}. One row, not a row per hit: Bolt pays
//          ~25 µs per record, a list costs a fraction of that. Times are epoch milliseconds:
//          the driver takes ~50 µs to hydrate one DateTime.
CALL () {
  UNWIND $indexes AS idx
  CALL db.index.vector.queryNodes(idx, $fetch, $vector) YIELD node, score
  WITH idx, node, score
  WHERE node.user_id = $user_id
    AND ($as_of IS NULL OR coalesce(node.time, node.started_at, node.valid_from) IS NULL
         OR coalesce(node.time, node.started_at, node.valid_from) <= $as_of)
    AND ($as_of IS NULL OR node.valid_to IS NULL OR node.valid_to > $as_of)
    AND NOT coalesce(node.retired, false)
  WITH idx, node, score ORDER BY score DESC
  WITH idx, collect({id: node.id, label: [l IN labels(node) WHERE l <> 'Unit'][0],
                     score: score, node: node})[..$k] AS hits
  UNWIND hits AS h
  RETURN 'vector' AS channel, h.label AS granularity, h.id AS id, h.score AS score,
         h.node AS node
  UNION ALL
  WITH 1 AS one WHERE $lucene IS NOT NULL
  CALL db.index.fulltext.queryNodes('memory_text', $lucene, {limit: $fulltext_k * 4})
    YIELD node, score
  WITH node, score
  WHERE node.user_id = $user_id
    AND ($as_of IS NULL OR coalesce(node.time, node.started_at, node.valid_from) IS NULL
         OR coalesce(node.time, node.started_at, node.valid_from) <= $as_of)
    AND ($as_of IS NULL OR node.valid_to IS NULL OR node.valid_to > $as_of)
    AND NOT coalesce(node.retired, false)
  WITH [l IN labels(node) WHERE l <> 'Unit'][0] AS label, node, score ORDER BY score DESC
  WITH label, collect({id: node.id, score: score, node: node})[..$fulltext_k] AS hits
  UNWIND hits AS h
  RETURN 'fulltext' AS channel, label AS granularity, h.id AS id, h.score AS score,
         h.node AS node
  UNION ALL
  WITH 1 AS one WHERE $names IS NOT NULL
  CALL db.index.fulltext.queryNodes('entity_names', $names, {limit: $entities_k}) YIELD node, score
  WITH node, score WHERE node.user_id = $user_id
  RETURN 'entity' AS channel, 'Entity' AS granularity, node.id AS id, score AS score,
         node AS node
}
RETURN collect({channel: channel, granularity: granularity, id: id, score: score,
       turn: CASE WHEN granularity = 'Turn' THEN {
         source_id: node.source_id, text: node.text, time: node.time.epochMillis,
         speaker: node.speaker, interaction_id: node.interaction_id,
         before: [(b:Turn)-[:NEXT]->(node) WHERE $as_of IS NULL OR b.time IS NULL
                  OR b.time <= $as_of | b.id][0],
         after: [(node)-[:NEXT]->(a:Turn) WHERE $as_of IS NULL OR a.time IS NULL
                 OR a.time <= $as_of | a.id][0]} END}) AS hits
