// Turn -MENTIONS-> Entity (same user only).
// Params: $rows [{turn_id, entity_id, user_id}]
UNWIND $rows AS r
MATCH (t:Turn {id: r.turn_id, user_id: r.user_id}), (e:Entity {id: r.entity_id, user_id: r.user_id})
USING INDEX t:Turn(id) USING INDEX e:Entity(id)
MERGE (t)-[:MENTIONS]->(e)
RETURN count(*) AS mentions
