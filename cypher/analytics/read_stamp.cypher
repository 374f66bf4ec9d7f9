// A cheap version stamp of one user's memory: it changes whenever an ingest (or the memory
// maintenance after it) changes what analytics report, so a cached result is reused only
// while the stamp is equal. Index seeks only (segments, entities, facts, insights, scenes).
// Params: $user_id
// Returns: segments, interactions, turns, entities, facts, closed_facts, insights_at, scenes_at
CALL () {
  MATCH (s:Segment {user_id: $user_id})
  OPTIONAL MATCH (i:Interaction)-[:HAS_SEGMENT]->(s)
  WHERE s.start_seq = 0
  RETURN count(s) AS segments, count(i) AS interactions, sum(i.turn_count) AS turns
}
CALL () {
  MATCH (e:Entity {user_id: $user_id})
  WHERE e.key IS NOT NULL
  RETURN count(e) AS entities
}
CALL () {
  MATCH (f:Fact {user_id: $user_id})
  WHERE f.subject_key IS NOT NULL AND f.predicate IS NOT NULL
  RETURN count(f) AS facts, count(f.valid_to) AS closed_facts
}
CALL () {
  OPTIONAL MATCH (i:Insight {user_id: $user_id})
  RETURN toString(max(i.updated_at)) AS insights_at
}
CALL () {
  OPTIONAL MATCH (m:SceneModel {user_id: $user_id})
  RETURN toString(m.fitted_at) AS scenes_at
}
RETURN segments AS segments, interactions AS interactions, coalesce(turns, 0) AS turns,
       entities AS entities, facts AS facts, closed_facts AS closed_facts,
       insights_at AS insights_at, scenes_at AS scenes_at
