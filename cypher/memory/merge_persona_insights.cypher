// Persona insights (traits) with their support; evidence links are rebuilt from the facts.
// Retired traits (support <= 0) stay, with their history, but are hidden from answers.
// Params: $rows [{id, user_id, user_key, text, subject, predicate, object, polarity, support,
//                 retired, supporting [fact ids], contradicting [fact ids], embedding}]
UNWIND $rows AS r
MERGE (i:Insight:Unit {id: r.id})
SET i.user_id = r.user_id, i.user_key = r.user_key, i.kind = 'persona', i.text = r.text,
    i.subject = r.subject, i.predicate = r.predicate, i.object = r.object,
    i.polarity = r.polarity, i.support = r.support, i.retired = r.retired,
    i.updated_at = datetime()
WITH i, r
CALL db.create.setNodeVectorProperty(i, 'embedding', r.embedding)
WITH i, r
CALL (i, r) {
  UNWIND r.supporting AS fid
  MATCH (f:Fact {id: fid, user_id: r.user_id})
  MERGE (i)-[:SUPPORTED_BY]->(f)
}
CALL (i, r) {
  UNWIND r.contradicting AS fid
  MATCH (f:Fact {id: fid, user_id: r.user_id})
  MERGE (i)-[:CONTRADICTED_BY]->(f)
}
RETURN count(i) AS insights
