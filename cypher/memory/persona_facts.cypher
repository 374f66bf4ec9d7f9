// All facts about the given subjects of one user (for persona insight maintenance).
// Params: $user_id, $subjects [subject keys]
// Returns: id, subject, predicate, object, polarity, valid_to
MATCH (f:Fact {user_id: $user_id})
WHERE f.subject_key IN $subjects
RETURN f.id AS id, f.subject AS subject, f.predicate AS predicate, f.object AS object,
       f.polarity AS polarity, f.valid_to AS valid_to
