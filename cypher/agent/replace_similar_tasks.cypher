// Replace the SIMILAR_TO links between an owner's tasks (query tier) with the ones just
// computed from all of them, so the links are a function of the tasks and never drift.
// Params: $user_id, $rows [{a, b, score}] (a -> b: b is among a's most similar tasks)
// Returns: links
CALL (*) {
  MATCH (:Task {user_id: $user_id})-[old:SIMILAR_TO]->(:Task)
  DELETE old
}
WITH 1 AS one
UNWIND $rows AS r
MATCH (a:Task {id: r.a}) WHERE a.user_id = $user_id
MATCH (b:Task {id: r.b}) WHERE b.user_id = $user_id
MERGE (a)-[s:SIMILAR_TO]->(b)
SET s.score = r.score
RETURN count(s) AS links
