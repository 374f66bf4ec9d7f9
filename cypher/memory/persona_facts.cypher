// All facts about the given subjects, for several users at once (persona insight maintenance).
// Params: $subjects [{user_id, keys [subject keys]}]
// Returns: user_id, id, subject, predicate, object, polarity, valid_to
UNWIND $subjects AS s
MATCH (f:Fact {user_id: s.user_id})
WHERE f.subject_key IN s.keys
RETURN s.user_id AS user_id, f.id AS id, f.subject AS subject, f.predicate AS predicate,
       f.object AS object, f.polarity AS polarity, f.valid_to AS valid_to
