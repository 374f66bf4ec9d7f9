// Upsert lessons with their evidence; the evidence links are replaced, so a lesson follows its runs.
// Feedback: runs that USED a lesson move its score by $feedback_step per success (down per failure).
// Consensus before trust (A-MemGuard): a lesson is 'trusted' only when at least two runs support
// it and fewer contradict it; 'demoted' when runs that used it failed more often than they
// succeeded (its evidence links stay for inspection); else a 'candidate'.
// Params: $user_id, $feedback_step (float), $rows [{id, task_id, kind, text, tools, score, supported_by, contradicted_by}]
// Returns: lessons
UNWIND $rows AS x
MATCH (t:Task {id: x.task_id})
WHERE t.user_id = $user_id
MERGE (l:Lesson {id: x.id})
SET l.user_id = $user_id, l.kind = x.kind, l.text = x.text, l.tools = x.tools,
    l.evidence_score = x.score,
    l.support = size(x.supported_by), l.contradict = size(x.contradicted_by)
WITH t, l, x
CALL (l) {
  OPTIONAL MATCH (u:Run)-[:USED]->(l)
  RETURN sum(CASE u.success WHEN true THEN 1 WHEN false THEN -1 ELSE 0 END) AS net
}
SET l.used = net, l.feedback = $feedback_step * net, l.score = x.score + $feedback_step * net,
    l.status = CASE
      WHEN net < 0 THEN 'demoted'
      WHEN size(x.supported_by) >= 2 AND size(x.supported_by) > size(x.contradicted_by)
        THEN 'trusted'
      ELSE 'candidate' END
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
