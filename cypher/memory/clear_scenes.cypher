// Users left with too few units for scenes (a delete or an edit took them): their scenes, scene
// insights and scene model go, as if they had never had enough.
// Params: $users [user ids]
// Returns: scenes
UNWIND $users AS uid
OPTIONAL MATCH (s:Scene {user_id: uid})
OPTIONAL MATCH (s)-[:HAS_INSIGHT]->(i:Insight)
DETACH DELETE s, i
WITH DISTINCT uid, count(s) AS scenes
OPTIONAL MATCH (m:SceneModel {user_id: uid})
DELETE m
RETURN sum(scenes) AS scenes
