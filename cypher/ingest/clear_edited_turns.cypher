// An edited message (same turn id, new text or attachments) replaces everything derived from
// its old text: the turn's entity mentions go, and the facts, events and questions that no
// other turn evidences are deleted. A deleted fact's place in its supersession chain closes
// up (its predecessor now ends where its successor begins, or stays open); groups that get
// new facts from the new text are re-derived by close_superseded_facts. Runs first in the
// batch's transaction, before merge_turns rewrites the text. The user's pending enrichment is
// marked for a rebuild: units changed or went, not only arrived.
// Params: $rows [{id, user_id, raw_text, attachments_json}]
// Returns: edited
UNWIND $rows AS r
MATCH (t:Turn {id: r.id}) USING INDEX t:Turn(id)
WHERE t.user_id = r.user_id
  AND (t.raw_text <> r.raw_text
       OR coalesce(t.attachments_json, '') <> coalesce(r.attachments_json, ''))
CALL (t) {
  OPTIONAL MATCH (t)-[m:MENTIONS]->(:Entity)
  DELETE m
}
CALL (t) {
  MATCH (x)-[:EVIDENCED_BY|ASKED_IN]->(t)
  WHERE (x:Fact OR x:Event OR x:Query)
    AND NOT EXISTS { MATCH (x)-[:EVIDENCED_BY|ASKED_IN]->(o:Turn) WHERE o <> t }
  CALL (x) {
    MATCH (p:Fact)-[:SUPERSEDED_BY]->(x)
    OPTIONAL MATCH (x)-[:SUPERSEDED_BY]->(n:Fact)
    SET p.valid_to = n.valid_from, p.superseded_by = n.id
    FOREACH (_ IN CASE WHEN n IS NULL THEN [] ELSE [1] END | MERGE (p)-[:SUPERSEDED_BY]->(n))
  }
  DETACH DELETE x
}
WITH DISTINCT t.user_id AS user_id
MERGE (p:EnrichmentPending {user_id: user_id})
ON CREATE SET p.since = datetime()
SET p.rebuild = true, p.touched = datetime()
RETURN count(p) AS edited
