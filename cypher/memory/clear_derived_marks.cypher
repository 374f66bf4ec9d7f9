// Before a rebuild: every linkable unit of the user becomes pending again (its links are then
// recomputed from scratch), the scene model forgets its fit, persona traits go (they are
// recomputed from the facts there are), and entities nothing refers to any more (an edit or a
// delete took their last mention) go.
// Params: $user_id
// Returns: units
CALL () {
  MATCH (u:Segment {user_id: $user_id}) RETURN u
  UNION ALL
  MATCH (u:Interaction {user_id: $user_id}) RETURN u
  UNION ALL
  MATCH (u:Fact {user_id: $user_id}) RETURN u
  UNION ALL
  MATCH (u:Query {user_id: $user_id}) RETURN u
}
SET u.associated_at = null, u.similar_at = null
WITH count(u) AS units
OPTIONAL MATCH (s:SceneModel {user_id: $user_id})
SET s.fitted_units = 0
WITH units
CALL () {
  MATCH (i:Insight {user_id: $user_id, kind: 'persona'})
  DETACH DELETE i
}
CALL () {
  MATCH (e:Entity {user_id: $user_id})
  WHERE NOT EXISTS { (e)--() }
  DELETE e
}
RETURN units AS units
