// The facts of the given (subject, predicate) groups, for several users at once (persona insight
// maintenance: a trait and its near-duplicate merges rest on one group's facts only, so an
// ingest rereads just the groups its new facts fall in). Seeks the (user_id, subject_key,
// predicate) index per group; earliest stated first (a trait shows its first spelling).
// Params: $groups [{user_id, subject_key, predicate}]
// Returns: user_id, id, subject, predicate, object, polarity, valid_to
UNWIND $groups AS g
MATCH (f:Fact {user_id: g.user_id, subject_key: g.subject_key, predicate: g.predicate})
WITH g, f ORDER BY g.user_id, f.valid_from, f.id
RETURN g.user_id AS user_id, f.id AS id, f.subject AS subject, f.predicate AS predicate,
       f.object AS object, f.polarity AS polarity, f.valid_to AS valid_to
