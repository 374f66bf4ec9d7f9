// Facts evidenced by the answer's turns or about its linked entities, with validity.
// Facts not yet stated at $as_of are left out (as_of answers with what was known then).
// Params: $turns [ids], $entities [ids], $user_id, $limit, $as_of
CALL () {
  UNWIND $turns AS tid
  MATCH (f:Fact {user_id: $user_id})-[:EVIDENCED_BY]->(:Turn {id: tid})
  RETURN f
  UNION
  UNWIND $entities AS eid
  MATCH (f:Fact {user_id: $user_id})-[:ABOUT]->(:Entity {id: eid})
  RETURN f
}
WITH f
WHERE $as_of IS NULL OR f.valid_from IS NULL OR f.valid_from <= $as_of
WITH f LIMIT $limit
MATCH (f)-[:EVIDENCED_BY]->(t:Turn)
RETURN f.id AS id, f.subject_key AS subject, f.subject AS subject_name, f.predicate AS predicate,
       f.object AS object, f.polarity AS polarity, f.valid_from AS valid_from,
       f.valid_to AS valid_to, f.confidence AS confidence, f.text AS text,
       collect(t.id) AS evidence, min(t.time) AS stated_at
