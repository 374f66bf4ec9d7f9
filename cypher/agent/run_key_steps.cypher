// Runs with their outcome and their key steps in order (bounded expansion: run -> steps).
// Params: $user_id, $run_ids [string]
// Returns: run_id, source_id, task_id, task, success, reward, step_count, flagged (a step
//          carries instructions to an AI), steps
UNWIND $run_ids AS rid
MATCH (t:Task)-[:HAS_RUN]->(r:Run {id: rid})
WHERE r.user_id = $user_id
OPTIONAL MATCH (r)-[:HAS_STEP]->(s:Step)
WHERE s.key
WITH t, r, s ORDER BY s.seq
WITH t, r, [x IN collect(s) | {seq: x.seq, tool: x.tool, arguments: x.arguments,
  failed: x.failed, state_changing: x.state_changing, agent: x.agent}] AS steps
RETURN r.id AS run_id, r.source_id AS source_id, t.id AS task_id, r.task AS task,
       r.success AS success, r.reward AS reward, r.step_count AS step_count,
       EXISTS { (r)-[:HAS_STEP]->(f:Step) WHERE size(coalesce(f.flags, [])) > 0 } AS flagged,
       steps AS steps
