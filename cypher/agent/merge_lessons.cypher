// Upsert lessons with their evidence; the evidence links are replaced, so a lesson follows its runs.
// Params: $user_id, $rows [{id, task_id, kind, text, tools, score, supported_by, contradicted_by}]
// Returns: lessons
UNWIND $rows AS x
MATCH (t:Task {id: x.task_id})
WHERE t.user_id = $user_id
MERGE (l:Lesson {id: x.id})
SET l.user_id = $user_id, l.kind = x.kind, l.text = x.text, l.tools = x.tools,
    l.evidence_score = x.score, l.score = x.score + coalesce(l.feedback, 0.0),
    l.support = size(x.supported_by), l.contradict = size(x.contradicted_by)
MERGE (t)-[:HAS_LESSON]->(l)
WITH l, x
CALL (l, x) {
  OPTIONAL MATCH (l)-[old:SUPPORTED_BY|CONTRADICTED_BY]->(:Run)
  DELETE old
}
CALL (l, x) {
  UNWIND x.supported_by AS rid
  MATCH (r:Run {id: rid})
  MERGE (l)-[:SUPPORTED_BY]->(r)
}
CALL (l, x) {
  UNWIND x.contradicted_by AS rid
  MATCH (r:Run {id: rid})
  MERGE (l)-[:CONTRADICTED_BY]->(r)
}
RETURN count(l) AS lessons
