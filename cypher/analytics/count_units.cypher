// How many memory units one user has at each granularity (active insights and scenes only),
// plus scene size statistics. Every count is one per-user index seek (V002, V006).
// Params: $user_id
// Returns: turns, segments, interactions, facts, insights, scenes, entities, events, queries,
//          flagged (turns flagged as instructions to an AI), scene_members, largest_scene
CALL () {
  OPTIONAL MATCH (t:Turn {user_id: $user_id})
  RETURN count(t) AS turns, count(CASE WHEN size(coalesce(t.flags, [])) > 0 THEN 1 END) AS flagged
}
CALL () {
  OPTIONAL MATCH (s:Segment {user_id: $user_id})
  RETURN count(s) AS segments
}
CALL () {
  OPTIONAL MATCH (i:Interaction {user_id: $user_id})
  RETURN count(i) AS interactions
}
CALL () {
  OPTIONAL MATCH (f:Fact {user_id: $user_id})
  RETURN count(f) AS facts
}
CALL () {
  OPTIONAL MATCH (e:Entity {user_id: $user_id})
  RETURN count(e) AS entities
}
CALL () {
  OPTIONAL MATCH (i:Insight {user_id: $user_id})
  WHERE NOT coalesce(i.retired, false)
  RETURN count(i) AS insights
}
CALL () {
  OPTIONAL MATCH (sc:Scene {user_id: $user_id})
  WHERE NOT coalesce(sc.retired, false)
  RETURN count(sc) AS scenes, sum(COUNT { (sc)-[:HAS_MEMBER]->() }) AS scene_members,
         max(COUNT { (sc)-[:HAS_MEMBER]->() }) AS largest_scene
}
CALL () {
  OPTIONAL MATCH (ev:Event {user_id: $user_id})
  RETURN count(ev) AS events
}
CALL () {
  OPTIONAL MATCH (q:Query {user_id: $user_id})
  RETURN count(q) AS queries
}
RETURN turns AS turns, segments AS segments, interactions AS interactions, facts AS facts,
       insights AS insights, scenes AS scenes, entities AS entities, events AS events,
       queries AS queries, flagged AS flagged, coalesce(scene_members, 0) AS scene_members,
       coalesce(largest_scene, 0) AS largest_scene
