// Replace a user's scene memberships after a refit. Scenes that no longer exist are retired
// (kept, without members), never deleted; each scene has a summary Insight (kind 'scene').
// Params: $user_id, $user_key, $fitted_units, $members_json, $scenes [{id, text, size, terms,
//         entities, members [unit ids], representatives [unit ids], insight_id, embedding}]
MERGE (m:SceneModel {user_id: $user_id})
SET m.fitted_units = $fitted_units, m.members = $members_json, m.fitted_at = datetime()
WITH m
OPTIONAL MATCH (old:Scene {user_id: $user_id})
OPTIONAL MATCH (old)-[h:HAS_MEMBER]->()
DELETE h
WITH DISTINCT old
SET old.retired = true
WITH old
OPTIONAL MATCH (old)-[:HAS_INSIGHT]->(oi:Insight)
SET oi.retired = true
WITH count(*) AS _
UNWIND $scenes AS s
MERGE (sc:Scene {id: s.id})
SET sc.user_id = $user_id, sc.user_key = $user_key, sc.text = s.text, sc.size = s.size,
    sc.terms = s.terms, sc.entities = s.entities, sc.retired = false
MERGE (i:Insight:Unit {id: s.insight_id})
SET i.user_id = $user_id, i.user_key = $user_key, i.kind = 'scene', i.text = s.text,
    i.support = toFloat(s.size), i.retired = false, i.updated_at = datetime()
MERGE (sc)-[:HAS_INSIGHT]->(i)
WITH sc, i, s
CALL db.create.setNodeVectorProperty(i, 'embedding', s.embedding)
CALL (sc, s) {
  UNWIND s.members AS uid
  MATCH (u:Unit {id: uid}) WHERE u.user_id = $user_id
  MERGE (sc)-[:HAS_MEMBER]->(u)
}
CALL (i, s) {
  UNWIND s.representatives AS uid
  MATCH (u:Unit {id: uid}) WHERE u.user_id = $user_id
  MERGE (i)-[:SUPPORTED_BY]->(u)
}
RETURN count(sc) AS scenes
