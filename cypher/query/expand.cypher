// Bounded expansion from seed units to turns, one hop per relation type, each capped.
// Rows: (turn, via, seed) — the turn reached, the relation used, the seed it came from.
// Params: $user_id, $seeds [ids], $entities [ids], $per_seed, $as_of
CALL {
  // segments and interactions → their turns
  UNWIND $seeds AS sid
  MATCH (s:Segment {id: sid, user_id: $user_id})<-[:IN_SEGMENT]-(t:Turn)
  RETURN t, 'segment' AS via, sid AS seed
  UNION ALL
  UNWIND $seeds AS sid
  MATCH (f:Fact {id: sid, user_id: $user_id})-[:EVIDENCED_BY]->(t:Turn)
  RETURN t, 'fact' AS via, sid AS seed
  UNION ALL
  UNWIND $seeds AS sid
  MATCH (:Insight {id: sid, user_id: $user_id})-[:SUPPORTED_BY]->()-[:EVIDENCED_BY|IN_SEGMENT*0..1]-(t:Turn)
  RETURN t, 'insight' AS via, sid AS seed
  UNION ALL
  UNWIND $seeds AS sid
  MATCH (:Turn {id: sid, user_id: $user_id})-[:NEXT]-(t:Turn)
  RETURN t, 'next' AS via, sid AS seed
  UNION ALL
  UNWIND $seeds AS sid
  MATCH (:Segment {id: sid, user_id: $user_id})-[:ASSOCIATED]-(:Segment)<-[:IN_SEGMENT]-(t:Turn)
  RETURN t, 'associated' AS via, sid AS seed
  UNION ALL
  UNWIND $seeds AS sid
  MATCH (:Query {id: sid, user_id: $user_id})-[:SIMILAR_TO]-(:Query)-[:ANSWERED_BY|ASKED_IN]->(t:Turn)
  RETURN t, 'similar_query' AS via, sid AS seed
  UNION ALL
  UNWIND $entities AS eid
  MATCH (:Entity {id: eid, user_id: $user_id})<-[:MENTIONS]-(t:Turn)
  RETURN t, 'entity' AS via, eid AS seed
}
WITH t, via, seed
WHERE t.user_id = $user_id AND ($as_of IS NULL OR t.time IS NULL OR t.time <= $as_of)
RETURN t.id AS turn, via AS via, seed AS seed
LIMIT 5000
