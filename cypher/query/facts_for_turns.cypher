// Facts evidenced by the given turns (the planner passes its rerank pool, a superset of the
// answer, and keeps the facts of the answer's turns) or, at most $limit, about the linked
// entities, with validity. Facts not yet stated at $as_of are left out (as_of answers with
// what was known then).
// Params: $turns [ids], $entities [ids], $user_id, $limit, $as_of
// Returns ONE row: facts, a list of {id, subject, subject_name, predicate, object, polarity,
//          about (about a linked entity), valid_from, valid_to, superseded_by (the id of
//          the fact that closed it, or null), confidence, text, evidence [turn ids],
//          stated_at} (times in epoch ms)
CALL () {
  UNWIND $turns AS tid
  MATCH (f:Fact {user_id: $user_id})-[:EVIDENCED_BY]->(:Turn {id: tid})
  RETURN f
  UNION
  CALL () {
    UNWIND $entities AS eid
    MATCH (f:Fact {user_id: $user_id})-[:ABOUT]->(:Entity {id: eid})
    WHERE $as_of IS NULL OR f.valid_from IS NULL OR f.valid_from <= $as_of
    RETURN f LIMIT $limit
  }
  RETURN f
}
WITH f
WHERE $as_of IS NULL OR f.valid_from IS NULL OR f.valid_from <= $as_of
MATCH (f)-[:EVIDENCED_BY]->(t:Turn)
WITH f, collect(t.id) AS evidence, min(t.time).epochMillis AS stated_at
RETURN collect({id: f.id, subject: f.subject_key, subject_name: f.subject,
                predicate: f.predicate, object: f.object, polarity: f.polarity,
                about: EXISTS { (f)-[:ABOUT]->(e:Entity) WHERE e.id IN $entities },
                valid_from: f.valid_from.epochMillis, valid_to: f.valid_to.epochMillis,
                superseded_by: f.superseded_by, confidence: f.confidence,
                text: f.text, evidence: evidence, stated_at: stated_at}) AS facts
