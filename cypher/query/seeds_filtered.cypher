// Requires: vector-filters
// query/seeds on Neo4j 2026.01+ (Cypher 25): the same one-round-trip seeds, but the vector
// channel searches each granularity's owner-filtered index (migration V014) with SEARCH ...
// WHERE node.user_id = $user_id, so the index itself returns the user's nearest units and other
// tenants never take their places. Up to $fetch are taken so that units an as_of or retirement
// excludes leave $k; when fewer than $k remain, the user's own units of the granularity are
// scored exactly, as on 5.26.
// $granularities come from graph.migrations.VectorIndex; the SEARCH clause names its index
// literally, so each granularity has its own branch (one runs; the rest see no row). Each
// branch names its variables apart: 2026.01.4's planner fails on SEARCH variables that two
// UNION branches share ("key not found: SymbolUse").
// Params: $granularities [{index, label}], $fetch, $k, $vector, $lucene (or null), $fulltext_k,
//         $names (or null), $entities_k, $user_id, $as_of (datetime or null)
// Returns ONE row: hits, as query/seeds (path: 'ann' or 'exact'; no wider round here).
CYPHER 25
CALL () {
  UNWIND $granularities AS g
  CALL (g) {
    CALL (g) {
      UNWIND CASE WHEN g.label = 'Turn' THEN [1] ELSE [] END AS one
      MATCH (n_turn:Turn)
        SEARCH n_turn IN (VECTOR INDEX turn_owner_embedding FOR $vector
                        WHERE n_turn.user_id = $user_id LIMIT $fetch) SCORE AS s_turn
      RETURN n_turn AS node, s_turn AS score
      UNION ALL
      UNWIND CASE WHEN g.label = 'Segment' THEN [1] ELSE [] END AS one
      MATCH (n_segment:Segment)
        SEARCH n_segment IN (VECTOR INDEX segment_owner_embedding FOR $vector
                        WHERE n_segment.user_id = $user_id LIMIT $fetch) SCORE AS s_segment
      RETURN n_segment AS node, s_segment AS score
      UNION ALL
      UNWIND CASE WHEN g.label = 'Interaction' THEN [1] ELSE [] END AS one
      MATCH (n_interaction:Interaction)
        SEARCH n_interaction IN (VECTOR INDEX interaction_owner_embedding FOR $vector
                        WHERE n_interaction.user_id = $user_id LIMIT $fetch) SCORE AS s_interaction
      RETURN n_interaction AS node, s_interaction AS score
      UNION ALL
      UNWIND CASE WHEN g.label = 'Fact' THEN [1] ELSE [] END AS one
      MATCH (n_fact:Fact)
        SEARCH n_fact IN (VECTOR INDEX fact_owner_embedding FOR $vector
                        WHERE n_fact.user_id = $user_id LIMIT $fetch) SCORE AS s_fact
      RETURN n_fact AS node, s_fact AS score
      UNION ALL
      UNWIND CASE WHEN g.label = 'Insight' THEN [1] ELSE [] END AS one
      MATCH (n_insight:Insight)
        SEARCH n_insight IN (VECTOR INDEX insight_owner_embedding FOR $vector
                        WHERE n_insight.user_id = $user_id LIMIT $fetch) SCORE AS s_insight
      RETURN n_insight AS node, s_insight AS score
      UNION ALL
      UNWIND CASE WHEN g.label = 'Query' THEN [1] ELSE [] END AS one
      MATCH (n_query:Query)
        SEARCH n_query IN (VECTOR INDEX query_owner_embedding FOR $vector
                        WHERE n_query.user_id = $user_id LIMIT $fetch) SCORE AS s_query
      RETURN n_query AS node, s_query AS score
    }
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
    // Short (other tenants crowded the user out, or the user has fewer units): score the
    // user's own units of this granularity exactly; the owner index bounds the scan.
    // Seeks by owner on the granularity's own label (one branch runs; the rest see no row).
    UNWIND CASE WHEN size(ann) < $k THEN [g.label] ELSE [] END AS label
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
  WITH g, CASE WHEN size(ann) < $k THEN 'exact' ELSE 'ann' END AS path, ann, exact
  UNWIND CASE path WHEN 'ann' THEN ann ELSE exact END AS h
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
