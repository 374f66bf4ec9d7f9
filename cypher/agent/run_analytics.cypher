// An agent's runs over time and its lessons: success per day (the day each run was first
// recorded), the most used lessons (runs that USED them) and the most trusted (status, then
// score).
// Params: $user_id, $limit
// Returns ONE row: runs, succeeded, failed, days [{day, runs, succeeded, failed}], most_used
//          [{id, text, status, score, used}], most_trusted [{id, text, status, score, support,
//          supported_by [run source ids, sorted], contradicted_by [sorted]}]
CALL (*) {
  MATCH (r:Run {user_id: $user_id})
  WITH toString(date(r.recorded_at)) AS day, r
  WITH day, count(r) AS runs, count(CASE WHEN r.success = true THEN 1 END) AS ok,
       count(CASE WHEN r.success = false THEN 1 END) AS bad
  ORDER BY day
  RETURN sum(runs) AS runs, sum(ok) AS succeeded, sum(bad) AS failed,
         collect({day: day, runs: runs, succeeded: ok, failed: bad}) AS days
}
CALL (*) {
  MATCH (l:Lesson {user_id: $user_id})
  WITH l, COUNT { (:Run)-[:USED]->(l) } AS used
  WHERE used > 0
  ORDER BY used DESC, l.id LIMIT $limit
  RETURN collect({id: l.id, text: l.text, status: coalesce(l.status, 'candidate'),
                  score: l.score, used: used}) AS most_used
}
CALL (*) {
  MATCH (l:Lesson {user_id: $user_id})
  WITH l ORDER BY CASE coalesce(l.status, 'candidate') WHEN 'trusted' THEN 0
                  WHEN 'candidate' THEN 1 ELSE 2 END, l.score DESC, l.id
  LIMIT $limit
  RETURN collect({id: l.id, text: l.text, status: coalesce(l.status, 'candidate'),
                  score: l.score, support: l.support,
                  supported_by: COLLECT { MATCH (l)-[:SUPPORTED_BY]->(r:Run)
                                          RETURN r.source_id ORDER BY r.source_id },
                  contradicted_by: COLLECT { MATCH (l)-[:CONTRADICTED_BY]->(r:Run)
                                             RETURN r.source_id ORDER BY r.source_id }})
         AS most_trusted
}
RETURN runs AS runs, succeeded AS succeeded, failed AS failed, days AS days,
       most_used AS most_used, most_trusted AS most_trusted
