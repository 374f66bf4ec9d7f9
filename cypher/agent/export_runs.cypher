// One page of an owner's runs with their steps, by run id (the export: each line re-imports
// through POST /runs to the same ids).
// Params: $user_id, $after (run id or null for the first page), $limit
// Returns: id, source_id, task, task_key, success, reward, feedback, used_lessons [lesson ids],
//          steps [{seq, role, agent, kind, text, tool, call_id, arguments, result}] ordered by seq
MATCH (r:Run {user_id: $user_id})
WHERE $after IS NULL OR r.id > $after
WITH r ORDER BY r.id LIMIT $limit
MATCH (t:Task)-[:HAS_RUN]->(r)
CALL (r) {
  MATCH (r)-[:HAS_STEP]->(s:Step)
  WITH s ORDER BY s.seq
  RETURN collect({seq: s.seq, role: s.role, agent: s.agent, kind: s.kind, text: s.text,
                  tool: s.tool, call_id: s.call_id, arguments: s.arguments,
                  result: s.result}) AS steps
}
RETURN r.id AS id, r.source_id AS source_id, t.text AS task, t.task_key AS task_key,
       r.success AS success, r.reward AS reward, r.feedback AS feedback,
       [(r)-[:USED]->(l:Lesson) | l.id] AS used_lessons, steps AS steps
ORDER BY id
