// Bounded expansion from seed units to turns: one hop per relation type, at most $per_seed
// turns per seed and relation, so a hub (a speaker mentioned in every turn) cannot flood it.
// A turn hit's neighbours come with the seeds (query/seeds), not from here.
// Params: $user_id, $seeds [ids], $entities [ids], $per_seed, $as_of, $associations (bool)
// Returns ONE row: edges, a list of {turn, session (its interaction id), via, seed}
CALL () {
  UNWIND $seeds AS sid
  MATCH (s:Unit {id: sid})
  WHERE s.user_id = $user_id
  CALL (s) {
    MATCH (s:Turn)
    RETURN s AS t, 'self' AS via
    UNION ALL
    MATCH (s:Segment)<-[:IN_SEGMENT]-(t:Turn)
    RETURN t, 'segment' AS via
    UNION ALL
    MATCH (s:Fact)-[:EVIDENCED_BY]->(t:Turn)
    RETURN t, 'fact' AS via
    UNION ALL
    MATCH (s:Query)-[:ASKED_IN]->(t:Turn)
    RETURN t, 'query' AS via
    UNION ALL
    MATCH (s:Insight)-[:SUPPORTED_BY]->(:Fact)-[:EVIDENCED_BY]->(t:Turn)
    RETURN t, 'insight' AS via
    UNION ALL
    MATCH (s:Insight)-[:SUPPORTED_BY]->(:Segment)<-[:IN_SEGMENT]-(t:Turn)
    RETURN t, 'insight' AS via
    UNION ALL
    MATCH (s:Segment)-[:ASSOCIATED]-(:Segment)<-[:IN_SEGMENT]-(t:Turn)
    WHERE $associations
    RETURN t, 'associated' AS via
    UNION ALL
    MATCH (s:Query)-[:SIMILAR_TO]-(:Query)-[:ASKED_IN]->(t:Turn)
    RETURN t, 'similar_query' AS via
  }
  WITH s, t, via
  WHERE $as_of IS NULL OR t.time IS NULL OR t.time <= $as_of
  WITH s, via, collect(t)[..$per_seed] AS turns
  UNWIND turns AS t
  RETURN t.id AS turn, t.interaction_id AS session, via AS via, s.id AS seed
  UNION ALL
  UNWIND $entities AS eid
  MATCH (e:Entity {id: eid})
  WHERE e.user_id = $user_id
  CALL (e) {
    MATCH (e)<-[:MENTIONS]-(t:Turn)
    WHERE $as_of IS NULL OR t.time IS NULL OR t.time <= $as_of
    RETURN t LIMIT 50
  }
  RETURN t.id AS turn, t.interaction_id AS session, 'entity' AS via, e.id AS seed
}
RETURN collect({turn: turn, session: session, via: via, seed: seed}) AS edges
