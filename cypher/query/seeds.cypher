// All seeds of a plan in one round trip: vector top-k per granularity, BM25 full-text over
// every granularity, and entities named in the question.
// Community 5.26 has no filtered vector search, so vector hits are over-fetched ($fetch) and
// kept only when they belong to the user. When that leaves fewer than $k (other tenants crowded
// the user out, or the user has fewer units), the user's units of the granularity are counted
// up to $exact_max + 1 (owner index, bounded):
// - at most $exact_max: all of them are scored exactly (vector.similarity.cosine, the index's
//   own measure), so other tenants' memory never changes a small user's vector seeds;
// - more (a big user): a second, wider ANN round of $fetch_wide (its best 4 x $k of the user's
//   hits scored exactly), and only when that is short too, the exact scoring of all of the
//   user's units (~0.5 s for a 40,000-segment user).
// $granularities come from graph.migrations.VectorIndex.
// Params: $granularities [{index, label}], $fetch, $fetch_wide, $exact_max, $k, $vector,
//         $lucene (or null), $fulltext_k, $names (or null), $entities_k, $user_id,
//         $as_of (datetime or null)
// Full-text hits are kept per granularity ($fulltext_k each), so questions and facts never
// crowd turns out.
// Returns ONE row: hits, a list of {channel ('vector'|'fulltext'|'entity'), granularity
//          (label), id, score, path (vector hits: 'ann', 'wide' or 'exact', which round found
//          them, else null), turn (provenance of Turn hits: source, text, time, speaker,
//          role, passage offset, flags, how it came in (via), and the ids of the turns said just before and after them
//          and the roles of those two, else null)}. One row, not a row per hit: Bolt pays
//          ~25 µs per record, a list costs a fraction of that. Times are epoch milliseconds:
//          the driver takes ~50 µs to hydrate one DateTime.
CALL () {
  UNWIND $granularities AS g
  CALL (g) {
    CALL db.index.vector.queryNodes(g.index, $fetch, $vector) YIELD node, score
    WITH node, score
    WHERE node.user_id = $user_id
      AND ($as_of IS NULL OR coalesce(node.time, node.started_at, node.valid_from) IS NULL
           OR coalesce(node.time, node.started_at, node.valid_from) <= $as_of)
      AND ($as_of IS NULL OR node.valid_to IS NULL OR node.valid_to > $as_of)
      AND NOT coalesce(node.retired, false)
    WITH node, score ORDER BY score DESC
    RETURN collect({node: node, score: score})[..$k] AS ann
  }
  CALL (g, ann) {
    // Short: how many units has the user of this granularity (counted up to $exact_max + 1)?
    // Seeks by owner on the granularity's own label (one branch runs; the rest see no row).
    UNWIND CASE WHEN size(ann) < $k THEN [g.label] ELSE [] END AS label
    CALL (label) {
      UNWIND CASE WHEN label = 'Turn' THEN [1] ELSE [] END AS one
      MATCH (node:Turn {user_id: $user_id}) RETURN node LIMIT $exact_max + 1
      UNION ALL
      UNWIND CASE WHEN label = 'Segment' THEN [1] ELSE [] END AS one
      MATCH (node:Segment {user_id: $user_id}) RETURN node LIMIT $exact_max + 1
      UNION ALL
      UNWIND CASE WHEN label = 'Interaction' THEN [1] ELSE [] END AS one
      MATCH (node:Interaction {user_id: $user_id}) RETURN node LIMIT $exact_max + 1
      UNION ALL
      UNWIND CASE WHEN label = 'Fact' THEN [1] ELSE [] END AS one
      MATCH (node:Fact {user_id: $user_id}) RETURN node LIMIT $exact_max + 1
      UNION ALL
      UNWIND CASE WHEN label = 'Insight' THEN [1] ELSE [] END AS one
      MATCH (node:Insight {user_id: $user_id}) RETURN node LIMIT $exact_max + 1
      UNION ALL
      UNWIND CASE WHEN label = 'Query' THEN [1] ELSE [] END AS one
      MATCH (node:Query {user_id: $user_id}) RETURN node LIMIT $exact_max + 1
    }
    RETURN count(node) AS owned
  }
  CALL (g, ann, owned) {
    // Short and a big user: a second, wider ANN round.
    UNWIND CASE WHEN size(ann) < $k AND owned > $exact_max THEN [1] ELSE [] END AS one
    CALL db.index.vector.queryNodes(g.index, $fetch_wide, $vector) YIELD node, score
    WITH node, score
    WHERE node.user_id = $user_id
      AND ($as_of IS NULL OR coalesce(node.time, node.started_at, node.valid_from) IS NULL
           OR coalesce(node.time, node.started_at, node.valid_from) <= $as_of)
      AND ($as_of IS NULL OR node.valid_to IS NULL OR node.valid_to > $as_of)
      AND NOT coalesce(node.retired, false)
    // The index ranks quantised vectors on a graph walk: among a big user's units that are
    // nearly as near, it can miss or misorder the nearest. Its best $k * 4 are scored exactly.
    WITH node, score ORDER BY score DESC LIMIT $k * 4
    WITH node, vector.similarity.cosine(node.embedding, $vector) AS score ORDER BY score DESC
    RETURN collect({node: node, score: score})[..$k] AS wide
  }
  CALL (g, ann, owned, wide) {
    // Still short (a small user, or the wider round too was crowded out): score the user's
    // own units of this granularity exactly; the owner index bounds the scan.
    UNWIND CASE WHEN size(ann) < $k AND (owned <= $exact_max OR size(wide) < $k)
                THEN [g.label] ELSE [] END AS label
    CALL (label) {
      UNWIND CASE WHEN label = 'Turn' THEN [1] ELSE [] END AS one
      MATCH (node:Turn {user_id: $user_id}) RETURN node
      UNION ALL
      UNWIND CASE WHEN label = 'Segment' THEN [1] ELSE [] END AS one
      MATCH (node:Segment {user_id: $user_id}) RETURN node
      UNION ALL
      UNWIND CASE WHEN label = 'Interaction' THEN [1] ELSE [] END AS one
      MATCH (node:Interaction {user_id: $user_id}) RETURN node
      UNION ALL
      UNWIND CASE WHEN label = 'Fact' THEN [1] ELSE [] END AS one
      MATCH (node:Fact {user_id: $user_id}) RETURN node
      UNION ALL
      UNWIND CASE WHEN label = 'Insight' THEN [1] ELSE [] END AS one
      MATCH (node:Insight {user_id: $user_id}) RETURN node
      UNION ALL
      UNWIND CASE WHEN label = 'Query' THEN [1] ELSE [] END AS one
      MATCH (node:Query {user_id: $user_id}) RETURN node
    }
    WITH node
    WHERE node.embedding IS NOT NULL
      AND ($as_of IS NULL OR coalesce(node.time, node.started_at, node.valid_from) IS NULL
           OR coalesce(node.time, node.started_at, node.valid_from) <= $as_of)
      AND ($as_of IS NULL OR node.valid_to IS NULL OR node.valid_to > $as_of)
      AND NOT coalesce(node.retired, false)
    WITH node, vector.similarity.cosine(node.embedding, $vector) AS score
    ORDER BY score DESC
    RETURN collect({node: node, score: score})[..$k] AS exact
  }
  WITH g, CASE WHEN size(ann) >= $k THEN 'ann' WHEN size(wide) >= $k THEN 'wide'
              ELSE 'exact' END AS path, ann, wide, exact
  UNWIND CASE path WHEN 'ann' THEN ann WHEN 'wide' THEN wide ELSE exact END AS h
  RETURN 'vector' AS channel, g.label AS granularity, h.node.id AS id, h.score AS score,
         path AS path, h.node AS node
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
         null AS path, h.node AS node
  UNION ALL
  WITH 1 AS one WHERE $names IS NOT NULL
  CALL db.index.fulltext.queryNodes('entity_names', $names, {limit: $entities_k}) YIELD node, score
  WITH node, score WHERE node.user_id = $user_id
  RETURN 'entity' AS channel, 'Entity' AS granularity, node.id AS id, score AS score,
         null AS path, node AS node
}
RETURN collect({channel: channel, granularity: granularity, id: id, score: score, path: path,
       turn: CASE WHEN granularity = 'Turn' THEN {
         source_id: node.source_id, text: node.text, time: node.time.epochMillis,
         speaker: node.speaker, interaction_id: node.interaction_id, role: node.role,
         offset: coalesce(node.offset, 0), flags: coalesce(node.flags, []),
         via: node.imported_via,
         before: [(b:Turn)-[:NEXT]->(node) WHERE $as_of IS NULL OR b.time IS NULL
                  OR b.time <= $as_of | b.id][0],
         after: [(node)-[:NEXT]->(a:Turn) WHERE $as_of IS NULL OR a.time IS NULL
                 OR a.time <= $as_of | a.id][0],
         before_role: [(b:Turn)-[:NEXT]->(node) | b.role][0],
         after_role: [(node)-[:NEXT]->(a:Turn) | a.role][0]} END}) AS hits
