// Project ONE user's entity co-mention graph into the GDS catalog (never the whole database).
// Nodes: the user's entities (isolated ones too). Links: undirected, weight = number of the
// user's turns that mention both ends. Run through graphdatascience's Cypher projection;
// the caller picks a unique $graph_name and drops it in `finally`.
// Params: $user_id, $graph_name
// Returns: projection (the gds.graph.project map: graphName, nodeCount, relationshipCount, ...)
MATCH (a:Entity {user_id: $user_id})
OPTIONAL MATCH (a)<-[:MENTIONS]-(t:Turn)-[:MENTIONS]->(b:Entity)
WHERE t.user_id = $user_id AND b.user_id = $user_id AND elementId(a) < elementId(b)
WITH a, b, count(t) AS shared
RETURN gds.graph.project(
  $graph_name, a, b,
  {relationshipProperties: {weight: toFloat(shared)}},
  {undirectedRelationshipTypes: ['*']}
) AS projection
