// Which of the given run ids are ids Strata made for a run recorded without one (its source_id
// is its own id) of the same user: the export gives those back as the run's id, so a re-import
// must land on that run, not on a new one.
// Params: $runs [{id, user_id}]
// Returns: id, user_id
UNWIND $runs AS x
MATCH (r:Run {id: x.id})
WHERE r.user_id = x.user_id AND r.source_id = r.id
RETURN r.id AS id, r.user_id AS user_id
