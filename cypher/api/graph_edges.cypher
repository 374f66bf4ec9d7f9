// Every allow-listed relationship among the nodes of a subgraph (both ends in $ids).
// Params: $user_id, $ids [element ids], $types (RelType values), $limit
// Returns: source, target, type (source/target are the nodes' stable ids)
MATCH (a)-[r]->(b)
WHERE elementId(a) IN $ids AND elementId(b) IN $ids AND type(r) IN $types
  AND a.user_id = $user_id AND b.user_id = $user_id
RETURN a.id AS source, b.id AS target, type(r) AS type
ORDER BY source, target, type
LIMIT $limit
