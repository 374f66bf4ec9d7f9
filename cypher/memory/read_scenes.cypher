// The scenes the given users have now, as a refit compares them with its own: each scene's
// summary, members and representatives (the units its insight is SUPPORTED_BY).
// Params: $users [user ids]
// Returns: user_id, id, text, size, terms, entities, members [unit ids],
//          representatives [unit ids]
UNWIND $users AS uid
MATCH (s:Scene {user_id: uid})
OPTIONAL MATCH (s)-[:HAS_INSIGHT]->(i:Insight)
RETURN uid AS user_id, s.id AS id, s.text AS text, s.size AS size, s.terms AS terms,
       s.entities AS entities,
       COLLECT { MATCH (s)-[:HAS_MEMBER]->(m) RETURN m.id } AS members,
       COLLECT { MATCH (i)-[:SUPPORTED_BY]->(r) RETURN r.id } AS representatives
