// One breadth-first hop of a subgraph: up to $per_node neighbours of each frontier node, over
// allow-listed relationship types, to allow-listed labels, of the same user only.
// Params: $user_id, $frontier [element ids], $labels (NodeLabel values, preference order),
//         $types (RelType values), $per_node
// Returns: element_id, id, label, name, text, kind, time
UNWIND $frontier AS eid
MATCH (n)
WHERE elementId(n) = eid AND n.user_id = $user_id
CALL (n) {
  MATCH (n)-[r]-(m)
  WHERE type(r) IN $types AND m.user_id = $user_id AND any(l IN labels(m) WHERE l IN $labels)
  RETURN DISTINCT m
  LIMIT $per_node
}
WITH DISTINCT m
RETURN elementId(m) AS element_id, m.id AS id, [l IN $labels WHERE l IN labels(m)][0] AS label,
       m.name AS name, left(m.text, 300) AS text, m.kind AS kind,
       coalesce(m.time, m.started_at, m.valid_from, m.when) AS time
