// Every clusterable unit (segments, interactions, facts) of the given users, with text and
// embedding.
// Params: $users [user ids]
// Returns: user_id, id, label, text, time (epoch ms or null), embedding, entities
UNWIND $users AS uid
CALL (uid) {
  MATCH (u:Segment {user_id: uid}) RETURN u
  UNION ALL
  MATCH (u:Interaction {user_id: uid}) RETURN u
  UNION ALL
  MATCH (u:Fact {user_id: uid}) RETURN u
}
OPTIONAL MATCH (u)<-[:IN_SEGMENT]-(:Turn)-[:MENTIONS]->(e:Entity)
WITH uid, u, collect(DISTINCT e.name)[..10] AS entities
RETURN uid AS user_id, u.id AS id, labels(u)[0] AS label, u.text AS text,
       coalesce(u.time, u.started_at, u.valid_from).epochMillis AS time,
       u.embedding AS embedding, entities AS entities
ORDER BY user_id, id
