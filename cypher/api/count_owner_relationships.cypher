// Relationships touching one owner's nodes, per type (scans all nodes: tests and benchmarks).
// Params: $user_id
// Returns: type, relationships, foreign (how many reach a node of another owner; must be 0)
MATCH (a)-[r]->(b)
WHERE a.user_id = $user_id OR b.user_id = $user_id
RETURN type(r) AS type, count(r) AS relationships,
       sum(CASE WHEN a.user_id = b.user_id THEN 0 ELSE 1 END) AS foreign
ORDER BY type
