// How many memory units one user has at each granularity (active insights and scenes only),
// plus scene size statistics. Every count starts from a per-user index seek: turns are
// reached through their segments (every turn is in exactly one segment) because the Turn
// index is composite over (user_id, source_id) and source_id may be null.
// Params: $user_id
// Returns: turns, segments, interactions, facts, insights, scenes, entities, events, queries,
//          scene_members, largest_scene
CALL () {
  MATCH (s:Segment {user_id: $user_id})
  OPTIONAL MATCH (s)<-[:IN_SEGMENT]-(t:Turn)
  RETURN count(DISTINCT s) AS segments, count(t) AS turns
}
CALL () {
  MATCH (s:Segment {user_id: $user_id})<-[:HAS_SEGMENT]-(i:Interaction)
  WHERE s.start_seq = 0
  RETURN count(i) AS interactions
}
CALL () {
  MATCH (f:Fact {user_id: $user_id})
  WHERE f.subject_key IS NOT NULL AND f.predicate IS NOT NULL
  RETURN count(f) AS facts
}
CALL () {
  MATCH (e:Entity {user_id: $user_id})
  WHERE e.key IS NOT NULL
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
       queries AS queries, coalesce(scene_members, 0) AS scene_members,
       coalesce(largest_scene, 0) AS largest_scene
