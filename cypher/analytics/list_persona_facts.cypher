// The newest persona facts of one user with their validity and, for superseded ones, what
// replaced them. Open and closed facts alike: the history is part of the persona.
// Params: $user_id, $limit
// Returns: id, subject, predicate, object, polarity, confidence, valid_from, valid_to, text,
//          superseded_by (the newer fact's object, or null)
MATCH (f:Fact {user_id: $user_id})
WITH f
ORDER BY f.valid_from DESC, f.id
LIMIT $limit
OPTIONAL MATCH (f)-[:SUPERSEDED_BY]->(n:Fact {user_id: $user_id})
WITH f, collect(n.object)[0] AS newer
RETURN f.id AS id, f.subject AS subject, f.predicate AS predicate, f.object AS object,
       f.polarity AS polarity, f.confidence AS confidence, toString(f.valid_from) AS valid_from,
       toString(f.valid_to) AS valid_to, f.text AS text, newer AS superseded_by
