// Every linkable unit of one user (segments, interactions, facts and queries) with what linking
// needs: its time, embedding, whether it is still pending (never linked since it arrived) and,
// for facts, the subject and predicate (persona insights are recomputed per such group).
// Params: $user_id
// Returns: label, id, time (epoch ms or null), embedding, pending, subject_key, predicate
CALL () {
  MATCH (u:Segment {user_id: $user_id})
  RETURN 'Segment' AS label, u, u.time AS at, u.associated_at IS NULL AS pending
  UNION ALL
  MATCH (u:Interaction {user_id: $user_id})
  RETURN 'Interaction' AS label, u, u.started_at AS at, u.associated_at IS NULL AS pending
  UNION ALL
  MATCH (u:Fact {user_id: $user_id})
  RETURN 'Fact' AS label, u, u.valid_from AS at, u.associated_at IS NULL AS pending
  UNION ALL
  MATCH (u:Query {user_id: $user_id})
  RETURN 'Query' AS label, u, u.time AS at, u.similar_at IS NULL AS pending
}
RETURN label AS label, u.id AS id, at.epochMillis AS time, u.embedding AS embedding,
       pending AS pending, u.subject_key AS subject_key, u.predicate AS predicate
