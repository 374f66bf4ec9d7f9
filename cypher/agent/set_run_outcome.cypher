// Record the outcome of a run that was stored before its result was known.
// Params: $user_id, $source_id, $success, $reward, $feedback
// Returns: run_id, task_id
MATCH (t:Task)-[:HAS_RUN]->(r:Run {user_id: $user_id, source_id: $source_id})
SET r.success = $success, r.reward = $reward, r.feedback = $feedback
RETURN r.id AS run_id, t.id AS task_id
