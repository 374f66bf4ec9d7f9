// Questions and requests raised in a conversation (or asked through the API).
// Params: $rows [{id, user_id, user_key, turn_id, text, kind, origin, time, embedding}]
UNWIND $rows AS r
MERGE (q:Query:Unit {id: r.id})
SET q.user_id = r.user_id, q.user_key = r.user_key, q.text = r.text, q.kind = r.kind,
    q.origin = r.origin, q.time = r.time, q.turn_id = r.turn_id
WITH q, r
CALL db.create.setNodeVectorProperty(q, 'embedding', r.embedding)
WITH q, r
OPTIONAL MATCH (t:Turn {id: r.turn_id, user_id: r.user_id}) USING INDEX t:Turn(id)
FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | MERGE (q)-[:ASKED_IN]->(t))
RETURN count(q) AS queries
