// Forget, safety net: any node of the owner under a label delete_owned_nodes does not know
// (one scan over all nodes per batch). Run until it returns no rows.
// Params: $user_id, $batch, $labels (label preference order for counting)
// Returns: label, deleted
MATCH (n)
WHERE n.user_id = $user_id
WITH n
LIMIT $batch
WITH n, coalesce([l IN $labels WHERE l IN labels(n)][0], labels(n)[0]) AS label
DETACH DELETE n
RETURN label AS label, count(*) AS deleted
