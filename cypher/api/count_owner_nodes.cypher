// Nodes of one owner per label combination (scans all nodes: tests and benchmarks only).
// Params: $user_id
// Returns: labels, nodes (label order inside a node is not fixed: sort before comparing)
MATCH (n)
WHERE n.user_id = $user_id
WITH labels(n) AS labels, count(*) AS nodes
RETURN labels AS labels, nodes AS nodes
ORDER BY labels
