// Every task of an owner with its runs and their tool calls (input of lesson promotion).
// Params: $user_id
// Returns: task_id, runs [{id, success, step_count, flagged (a step carries instructions to an
//   AI: the run backs no lesson), calls: [{seq, tool, arguments, failed,
//   state_changing, fixes}]}]
MATCH (t:Task {user_id: $user_id})-[:HAS_RUN]->(r:Run)
CALL (r) {
  MATCH (r)-[:HAS_STEP]->(s:Step {kind: 'call'})
  OPTIONAL MATCH (f:Step)-[:FIXED_BY]->(s)
  WITH s, f ORDER BY s.seq
  RETURN collect({seq: s.seq, tool: s.tool, arguments: s.arguments, failed: s.failed,
    state_changing: s.state_changing, fixes: f.seq}) AS calls
}
WITH t, collect({id: r.id, success: r.success, step_count: r.step_count, calls: calls,
  flagged: EXISTS { (r)-[:HAS_STEP]->(f:Step) WHERE size(coalesce(f.flags, [])) > 0 }}) AS runs
RETURN t.id AS task_id, runs AS runs
