// Full-text seeds over task and step texts, lifted to the runs they belong to, in two channels
// per run: how well the query matches the run's own task statement (a Task whose text is the
// run's task, or the user message that states it) and how well it matches what the agent did
// (its assistant messages and calls). The system prompt (the same operator text in every run)
// and the user's later messages (details of that one conversation) are left out: measured in
// docs/benchmarks.md (tau-bench section). One row per run.
// Params: $user_id, $lucene (Lucene query restricted by user_key), $seeds (int)
// Returns: run_id, task_id, task_score, step_score
CALL db.index.fulltext.queryNodes('agent_text', $lucene, {limit: $seeds}) YIELD node, score
CALL (node) {
  MATCH (node:Task)-[:HAS_RUN]->(r:Run)
  WHERE r.task = node.text
  RETURN r, true AS own
  UNION
  MATCH (r:Run)-[:HAS_STEP]->(node:Step)
  WHERE node.role = 'assistant' OR (node.role = 'user' AND node.text = r.task)
  RETURN r, node.role = 'user' AS own
}
WITH r, own, score
WHERE r.user_id = $user_id
MATCH (t:Task)-[:HAS_RUN]->(r)
WITH r, t, max(CASE WHEN own THEN score ELSE 0.0 END) AS task_score,
     max(CASE WHEN own THEN 0.0 ELSE score END) AS step_score
RETURN r.id AS run_id, t.id AS task_id, task_score AS task_score, step_score AS step_score
