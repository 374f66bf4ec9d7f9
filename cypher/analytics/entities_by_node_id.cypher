// Resolve GDS node ids (from a per-user projection) back to that user's entities; ids of
// any other user's nodes are dropped by the user_id filter.
// Params: $user_id, $ids [GDS node ids]
// Returns: node_id, id, name, kind, mentions
UNWIND $ids AS node_id
WITH node_id, gds.util.asNode(node_id) AS e
WHERE e:Entity AND e.user_id = $user_id
RETURN node_id AS node_id, e.id AS id, e.name AS name, e.kind AS kind,
       COUNT { (e)<-[:MENTIONS]-(:Turn) } AS mentions
