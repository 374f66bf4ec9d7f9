// Bring the users' scenes to a refit's, writing only what differs from what is stored: scenes
// the fit does not keep go with their summary Insight; each changed scene gets its summary,
// the members and representatives it gained, and loses those it lost. Scenes the refit left
// as they were are not in $models' scenes and are not touched. The end state is the one
// memory/replace_scenes writes (scenes stay a function of the units).
// Params: $models [{user_id, user_key, fitted_units, members_json, keep [scene ids of the fit],
//         scenes [{id, insight_id, text, size, terms, entities, added, removed [unit ids],
//         representatives [unit ids], embedding (null: the text, so the vector, is unchanged)}]}]
// Returns: models
UNWIND $models AS m
CALL (m) {
  MERGE (model:SceneModel {user_id: m.user_id})
  SET model.fitted_units = m.fitted_units, model.members = m.members_json,
      model.fitted_at = datetime()
}
CALL (m) {
  MATCH (old:Scene {user_id: m.user_id})
  WHERE NOT old.id IN m.keep
  OPTIONAL MATCH (old)-[:HAS_INSIGHT]->(oi:Insight)
  DETACH DELETE old, oi
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
  CALL (i, s) {
    WITH i, s WHERE s.embedding IS NOT NULL
    CALL db.create.setNodeVectorProperty(i, 'embedding', s.embedding)
  }
  CALL (sc, s) {
    MATCH (sc)-[h:HAS_MEMBER]->(u)
    WHERE u.id IN s.removed
    DELETE h
  }
  CALL (sc, s, m) {
    UNWIND s.added AS uid
    MATCH (u:Unit {id: uid}) USING INDEX u:Unit(id) WHERE u.user_id = m.user_id
    MERGE (sc)-[:HAS_MEMBER]->(u)
  }
  CALL (i, s) {
    MATCH (i)-[r:SUPPORTED_BY]->(u)
    WHERE NOT u.id IN s.representatives
    DELETE r
  }
  CALL (i, s, m) {
    UNWIND s.representatives AS uid
    MATCH (u:Unit {id: uid}) USING INDEX u:Unit(id) WHERE u.user_id = m.user_id
    MERGE (i)-[:SUPPORTED_BY]->(u)
  }
}
RETURN count(m) AS models
