// Full-text seeds over task and step texts, lifted to the runs they belong to (a task seed lifts
// to every run of the task). One row per run with its best seed score.
// Params: $user_id, $lucene (Lucene query restricted by user_key), $seeds (int)
// Returns: run_id, task_id, score
CALL db.index.fulltext.queryNodes('agent_text', $lucene, {limit: $seeds}) YIELD node, score
CALL (node) {
  MATCH (node:Task)-[:HAS_RUN]->(r:Run)
  RETURN r
  UNION
  MATCH (r:Run)-[:HAS_STEP]->(node:Step)
  RETURN r
}
WITH r, score
WHERE r.user_id = $user_id
MATCH (t:Task)-[:HAS_RUN]->(r)
RETURN r.id AS run_id, t.id AS task_id, max(score) AS score
