// Replace scenes after a refit, for several users in one transaction. Scenes are derived memory:
// those the new fit does not keep are deleted with their summary Insight (kind 'scene'), so the
// scenes are a function of the units, not of the history of refits.
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
  WHERE NOT old.id IN [s IN m.scenes | s.id]
  OPTIONAL MATCH (old)-[:HAS_INSIGHT]->(oi:Insight)
  DETACH DELETE old, oi
}
CALL (m) {
  MATCH (kept:Scene {user_id: m.user_id})-[h:HAS_MEMBER]->()
  DELETE h
}
CALL (m) {
  MATCH (:Scene {user_id: m.user_id})-[:HAS_INSIGHT]->(:Insight)-[r:SUPPORTED_BY]->()
  DELETE r
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
