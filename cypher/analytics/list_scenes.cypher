// The largest active scenes of one user, with how many members each granularity contributes.
// Params: $user_id, $limit
// Returns: id, text, size, members [{label, n}], entities
MATCH (s:Scene {user_id: $user_id})
WHERE NOT coalesce(s.retired, false)
WITH s, COUNT { (s)-[:HAS_MEMBER]->() } AS size
ORDER BY size DESC, s.id
LIMIT $limit
CALL (s) {
  MATCH (s)-[:HAS_MEMBER]->(u)
  WITH [l IN labels(u) WHERE l <> 'Unit'][0] AS label, count(*) AS n
  ORDER BY n DESC
  RETURN collect({label: label, n: n}) AS members
}
RETURN s.id AS id, s.text AS text, size AS size, members AS members,
       coalesce(s.entities, [])[..8] AS entities
