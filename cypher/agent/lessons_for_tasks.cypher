// Lessons of the recalled tasks and of the tasks SIMILAR_TO them (a new task borrows what similar
// tasks taught), trusted ones first (see merge_lessons), the recalled tasks' own before
// borrowed ones, then by score, with their evidence counts.
// Params: $user_id, $task_ids [string], $limit (int)
// Returns: id, kind, text, tools, score, support, contradict, status, task_id, borrowed
UNWIND $task_ids AS tid
MATCH (t:Task {id: tid})
WHERE t.user_id = $user_id
CALL (t) {
  RETURN t AS source, 0 AS hop
  UNION
  MATCH (t)-[:SIMILAR_TO]->(s:Task)
  WHERE s.user_id = $user_id
  RETURN s AS source, 1 AS hop
}
MATCH (source)-[:HAS_LESSON]->(l:Lesson)
WHERE l.user_id = $user_id
WITH l, min(hop) AS hop, collect(source.id)[0] AS task_id
RETURN l.id AS id, l.kind AS kind, l.text AS text, l.tools AS tools, l.score AS score,
       l.support AS support, l.contradict AS contradict,
       coalesce(l.status, 'candidate') AS status, task_id AS task_id, hop = 1 AS borrowed
ORDER BY CASE status WHEN 'trusted' THEN 0 WHEN 'candidate' THEN 1 ELSE 2 END, borrowed,
         score DESC, id
LIMIT $limit
