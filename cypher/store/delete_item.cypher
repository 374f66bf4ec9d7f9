// LangGraph store: delete one item, its turns and segments, and the facts, events and questions
// that no other turn evidences. Entities stay (other memory may mention them).
// Params: $id, $user_id
// Returns: deleted
MATCH (i:Interaction {id: $id})
WHERE i.user_id = $user_id
OPTIONAL MATCH (i)-[:HAS_TURN]->(t:Turn)
WITH i, collect(t) AS turns
CALL (turns) {
  UNWIND turns AS t
  MATCH (x)-[:EVIDENCED_BY|ASKED_IN]->(t)
  WHERE (x:Fact OR x:Event OR x:Query)
    AND NOT EXISTS { MATCH (x)-[:EVIDENCED_BY|ASKED_IN]->(o:Turn) WHERE NOT o IN turns }
  DETACH DELETE x
}
CALL (turns) {
  UNWIND turns AS t
  MATCH (t)-[:IN_SEGMENT]->(s:Segment)
  DETACH DELETE s
}
FOREACH (t IN turns | DETACH DELETE t)
DETACH DELETE i
RETURN 1 AS deleted
