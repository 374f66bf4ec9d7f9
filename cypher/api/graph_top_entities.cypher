// A user's most-mentioned entities (default centers of a subgraph).
// Params: $user_id, $limit
// Returns: element_id, id, label, name, text, kind, time, mentions
MATCH (e:Entity {user_id: $user_id})
WITH e, COUNT { (e)<-[:MENTIONS]-() } AS mentions
ORDER BY mentions DESC, e.id
LIMIT $limit
RETURN elementId(e) AS element_id, e.id AS id, 'Entity' AS label, e.name AS name,
       null AS text, e.kind AS kind, null AS time, mentions AS mentions
