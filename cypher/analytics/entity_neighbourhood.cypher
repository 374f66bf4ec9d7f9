// One entity of a user and its co-mention neighbourhood: the $limit entities sharing the most
// turns with it, and the links among those neighbours. $center is an entity id or a name
// (case-insensitive); the most mentioned match wins.
// Params: $user_id, $center, $limit
// Returns: center {id, name, kind, mentions}, nodes [{id, name, kind, weight}],
//          links [{source, target, weight}]
MATCH (c:Entity {user_id: $user_id})
WHERE c.id = $center OR toLower(c.name) = toLower($center) OR c.key = toLower($center)
WITH c, COUNT { (c)<-[:MENTIONS]-(:Turn) } AS mentions
ORDER BY mentions DESC, c.id
LIMIT 1
CALL (c) {
  MATCH (c)<-[:MENTIONS]-(t:Turn)-[:MENTIONS]->(n:Entity)
  WHERE n <> c AND t.user_id = $user_id AND n.user_id = $user_id
  WITH n, count(DISTINCT t) AS weight
  ORDER BY weight DESC, n.name
  LIMIT $limit
  RETURN collect({id: n.id, name: n.name, kind: n.kind, weight: weight}) AS nodes,
         collect(n) AS around
}
CALL (around) {
  UNWIND around AS a
  MATCH (a)<-[:MENTIONS]-(t:Turn)-[:MENTIONS]->(b:Entity)
  WHERE b IN around AND elementId(a) < elementId(b) AND t.user_id = $user_id
  WITH a, b, count(DISTINCT t) AS weight
  RETURN collect({source: a.id, target: b.id, weight: weight}) AS links
}
RETURN {id: c.id, name: c.name, kind: c.kind, mentions: mentions} AS center, nodes AS nodes,
       links AS links
