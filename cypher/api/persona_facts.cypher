// A user's persona facts with validity and evidence, grouped order (subject, predicate, time).
// Params: $user_id, $limit
// Returns: id, subject, subject_name, predicate, object, polarity, confidence, valid_from,
//          valid_to, superseded_by, text, evidence [turn ids], stated_at
MATCH (f:Fact {user_id: $user_id})
WITH f
ORDER BY f.subject_key, f.predicate, f.valid_from, f.id
LIMIT $limit
RETURN f.id AS id, f.subject_key AS subject, f.subject AS subject_name,
       f.predicate AS predicate, f.object AS object, f.polarity AS polarity,
       f.confidence AS confidence, f.valid_from AS valid_from, f.valid_to AS valid_to,
       f.superseded_by AS superseded_by, f.text AS text,
       COLLECT { MATCH (f)-[:EVIDENCED_BY]->(t:Turn {user_id: $user_id}) RETURN t.id } AS evidence,
       COLLECT {
         MATCH (f)-[:EVIDENCED_BY]->(t:Turn {user_id: $user_id}) RETURN t.time ORDER BY t.time
       }[0] AS stated_at
