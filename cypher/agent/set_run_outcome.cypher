// Record the outcome of a run that was stored before its result was known. A field sent as
// null keeps what the run already has (feedback sent later leaves success and reward alone).
// Params: $user_id, $source_id, $success, $reward, $feedback
// Returns: run_id, task_id, success, reward (as stored afterwards)
MATCH (t:Task)-[:HAS_RUN]->(r:Run {user_id: $user_id, source_id: $source_id})
SET r.success = coalesce($success, r.success), r.reward = coalesce($reward, r.reward),
    r.feedback = coalesce($feedback, r.feedback)
RETURN r.id AS run_id, t.id AS task_id, r.success AS success, r.reward AS reward
