// Lessons of the recalled tasks, trusted ones first (see merge_lessons), then by score, with
// their evidence counts.
// Params: $user_id, $task_ids [string], $limit (int)
// Returns: id, kind, text, tools, score, support, contradict, status
UNWIND $task_ids AS tid
MATCH (t:Task {id: tid})-[:HAS_LESSON]->(l:Lesson)
WHERE l.user_id = $user_id
RETURN DISTINCT l.id AS id, l.kind AS kind, l.text AS text, l.tools AS tools, l.score AS score,
       l.support AS support, l.contradict AS contradict,
       coalesce(l.status, 'candidate') AS status
ORDER BY CASE status WHEN 'trusted' THEN 0 WHEN 'candidate' THEN 1 ELSE 2 END, score DESC, id
LIMIT $limit
