// Upsert tasks and their runs (query tier). A run's outcome is only overwritten by a known value,
// so re-ingesting a run recorded before its outcome never erases an outcome reported since;
// recorded_at is when it was first recorded (analytics: success over time).
// Params: $rows [{task: {id, user_id, user_key, text, task_key}, run: {id, task_id, user_id, source_id,
//   task, success, reward, feedback, step_count}}]
// Returns: runs
UNWIND $rows AS row
MERGE (t:Task {id: row.task.id})
SET t.user_id = row.task.user_id, t.user_key = row.task.user_key, t.text = coalesce(t.text, row.task.text),
    t.task_key = row.task.task_key
MERGE (r:Run {id: row.run.id})
SET r.user_id = row.run.user_id, r.source_id = row.run.source_id, r.task = row.run.task,
    r.step_count = row.run.step_count,
    r.success = coalesce(row.run.success, r.success),
    r.reward = coalesce(row.run.reward, r.reward),
    r.feedback = coalesce(row.run.feedback, r.feedback),
    r.recorded_at = coalesce(r.recorded_at, datetime())
MERGE (t)-[:HAS_RUN]->(r)
RETURN count(r) AS runs
