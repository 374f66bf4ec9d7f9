// Record which lessons a run was given (ids from recall), for outcome feedback.
// Params: $rows [{run_id, lesson_id}]
// Returns: used
UNWIND $rows AS u
MATCH (r:Run {id: u.run_id}), (l:Lesson {id: u.lesson_id})
WHERE l.user_id = r.user_id
MERGE (r)-[:USED]->(l)
RETURN count(*) AS used
