// Upward traversal: the insights a turn supports — persona traits through the facts it
// evidences, scene insights through the segment or session it belongs to.
// Params: $user_id, $turn_id
// Returns: id, kind, text, support, retired, via
MATCH (t:Turn {id: $turn_id})
WHERE t.user_id = $user_id
CALL (t) {
  MATCH (t)<-[:EVIDENCED_BY]-(:Fact)<-[:SUPPORTED_BY]-(i:Insight)
  RETURN i, 'fact' AS via
  UNION
  MATCH (t)-[:IN_SEGMENT]->(:Segment)<-[:HAS_MEMBER]-(:Scene)-[:HAS_INSIGHT]->(i:Insight)
  RETURN i, 'scene' AS via
  UNION
  MATCH (t)<-[:HAS_TURN]-(:Interaction)<-[:HAS_MEMBER]-(:Scene)-[:HAS_INSIGHT]->(i:Insight)
  RETURN i, 'scene' AS via
}
WITH DISTINCT i, via
WHERE i.user_id = $user_id
RETURN i.id AS id, i.kind AS kind, i.text AS text, i.support AS support,
       coalesce(i.retired, false) AS retired, via AS via
ORDER BY support DESC, id
