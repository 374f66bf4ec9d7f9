// Every clusterable unit of a user (segments, interactions, facts) with text and embedding.
// Params: $user_id
// Returns: id, label, text, embedding, entities
CALL () {
  MATCH (u:Segment {user_id: $user_id}) RETURN u
  UNION ALL
  MATCH (u:Interaction {user_id: $user_id}) RETURN u
  UNION ALL
  MATCH (u:Fact {user_id: $user_id}) RETURN u
}
OPTIONAL MATCH (u)<-[:IN_SEGMENT]-(:Turn)-[:MENTIONS]->(e:Entity)
WITH u, collect(DISTINCT e.name)[..10] AS entities
RETURN u.id AS id, labels(u)[0] AS label, u.text AS text, u.embedding AS embedding,
       entities AS entities
ORDER BY id
