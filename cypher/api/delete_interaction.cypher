// Delete one interaction: its turns and segments, and the facts, events and questions that no
// other turn evidences; a deleted fact's place in its supersession chain closes up (as in
// ingest/clear_edited_turns). Entities stay (other memory may mention them).
// Params: $user_id, $id (Strata's interaction id, or the id the user sent)
// Returns: interactions, turns (no row when the interaction does not exist)
MATCH (i:Interaction {user_id: $user_id})
WHERE i.id = $id OR i.source_id = $id
OPTIONAL MATCH (i)-[:HAS_TURN]->(t:Turn)
WITH i, collect(t) AS turns
CALL (turns) {
  UNWIND turns AS t
  MATCH (x)-[:EVIDENCED_BY|ASKED_IN]->(t)
  WHERE (x:Fact OR x:Event OR x:Query)
    AND NOT EXISTS { MATCH (x)-[:EVIDENCED_BY|ASKED_IN]->(o:Turn) WHERE NOT o IN turns }
  WITH DISTINCT x
  CALL (x) {
    MATCH (p:Fact)-[:SUPERSEDED_BY]->(x)
    OPTIONAL MATCH (x)-[:SUPERSEDED_BY]->(n:Fact)
    SET p.valid_to = n.valid_from, p.superseded_by = n.id
    FOREACH (_ IN CASE WHEN n IS NULL THEN [] ELSE [1] END | MERGE (p)-[:SUPERSEDED_BY]->(n))
  }
  DETACH DELETE x
}
CALL (turns) {
  UNWIND turns AS t
  MATCH (t)-[:IN_SEGMENT]->(s:Segment)
  WITH DISTINCT s
  DETACH DELETE s
}
WITH i, size(turns) AS n, turns
FOREACH (t IN turns | DETACH DELETE t)
DETACH DELETE i
RETURN 1 AS interactions, n AS turns
