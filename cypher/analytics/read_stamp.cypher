// A cheap version stamp of one user's memory: it changes whenever an ingest (or the memory
// maintenance after it) changes what analytics report, so a cached result is reused only
// while the stamp is equal. Index seeks and counts only.
// Params: $user_id
// Returns: interactions, turns, segments, entities, facts, closed_facts, insights_at, scenes_at
CALL () {
  OPTIONAL MATCH (i:Interaction {user_id: $user_id})
  RETURN count(i) AS interactions, sum(i.turn_count) AS turns
}
CALL () {
  OPTIONAL MATCH (s:Segment {user_id: $user_id})
  RETURN count(s) AS segments
}
CALL () {
  OPTIONAL MATCH (e:Entity {user_id: $user_id})
  RETURN count(e) AS entities
}
CALL () {
  OPTIONAL MATCH (f:Fact {user_id: $user_id})
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
RETURN interactions AS interactions, coalesce(turns, 0) AS turns, segments AS segments,
       entities AS entities, facts AS facts, closed_facts AS closed_facts,
       insights_at AS insights_at, scenes_at AS scenes_at
