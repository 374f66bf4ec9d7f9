// Replace scene memberships after a refit, for several users in one transaction. Scenes that no
// longer exist are retired (kept, without members), never deleted; each scene has a summary
// Insight (kind 'scene').
// Params: $models [{user_id, user_key, fitted_units, members_json, scenes [{id, text, size,
//         terms, entities, members [unit ids], representatives [unit ids], insight_id,
//         embedding}]}]
UNWIND $models AS m
CALL (m) {
  MERGE (model:SceneModel {user_id: m.user_id})
  SET model.fitted_units = m.fitted_units, model.members = m.members_json,
      model.fitted_at = datetime()
}
CALL (m) {
  MATCH (old:Scene {user_id: m.user_id})
  OPTIONAL MATCH (old)-[h:HAS_MEMBER]->()
  DELETE h
  WITH DISTINCT old
  SET old.retired = true
  WITH old
  OPTIONAL MATCH (old)-[:HAS_INSIGHT]->(oi:Insight)
  SET oi.retired = true
}
CALL (m) {
  UNWIND m.scenes AS s
  MERGE (sc:Scene {id: s.id})
  SET sc.user_id = m.user_id, sc.user_key = m.user_key, sc.text = s.text, sc.size = s.size,
      sc.terms = s.terms, sc.entities = s.entities, sc.retired = false
  MERGE (i:Insight:Unit {id: s.insight_id})
  SET i.user_id = m.user_id, i.user_key = m.user_key, i.kind = 'scene', i.text = s.text,
      i.support = toFloat(s.size), i.retired = false, i.updated_at = datetime()
  MERGE (sc)-[:HAS_INSIGHT]->(i)
  WITH sc, i, s
  CALL db.create.setNodeVectorProperty(i, 'embedding', s.embedding)
  CALL (sc, s, m) {
    UNWIND s.members AS uid
    MATCH (u:Unit {id: uid}) USING INDEX u:Unit(id) WHERE u.user_id = m.user_id
    MERGE (sc)-[:HAS_MEMBER]->(u)
  }
  CALL (i, s, m) {
    UNWIND s.representatives AS uid
    MATCH (u:Unit {id: uid}) USING INDEX u:Unit(id) WHERE u.user_id = m.user_id
    MERGE (i)-[:SUPPORTED_BY]->(u)
  }
}
RETURN count(m) AS models
