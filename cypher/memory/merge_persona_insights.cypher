// Persona insights (traits) with their support; evidence links are rebuilt from the facts.
// Retired traits (support <= 0) stay, with their history, but are hidden from answers.
// Params: $rows [{id, user_id, user_key, text, subject, predicate, object, polarity, support,
//                 retired, supporting [fact ids], contradicting [fact ids], embedding,
//                 merged_into (id of the near-duplicate it was merged into, or null)}]
UNWIND $rows AS r
MERGE (i:Insight:Unit {id: r.id})
SET i.user_id = r.user_id, i.user_key = r.user_key, i.kind = 'persona', i.text = r.text,
    i.subject = r.subject, i.predicate = r.predicate, i.object = r.object,
    i.polarity = r.polarity, i.support = r.support, i.retired = r.retired,
    i.merged_into = r.merged_into, i.updated_at = datetime()
WITH i, r
CALL db.create.setNodeVectorProperty(i, 'embedding', r.embedding)
WITH i, r
CALL (i) {
  OPTIONAL MATCH (i)-[old:SUPPORTED_BY|CONTRADICTED_BY]->(:Fact)
  DELETE old
}
CALL (i, r) {
  UNWIND r.supporting AS fid
  MATCH (f:Fact {id: fid, user_id: r.user_id}) USING INDEX f:Fact(id)
  MERGE (i)-[:SUPPORTED_BY]->(f)
}
CALL (i, r) {
  UNWIND r.contradicting AS fid
  MATCH (f:Fact {id: fid, user_id: r.user_id}) USING INDEX f:Fact(id)
  MERGE (i)-[:CONTRADICTED_BY]->(f)
}
CALL (i, r) {
  WITH i, r WHERE r.merged_into IS NOT NULL
  MATCH (keep:Insight {id: r.merged_into, user_id: r.user_id}) USING INDEX keep:Insight(id)
  MERGE (i)-[:MERGED_INTO]->(keep)
}
RETURN count(i) AS insights
