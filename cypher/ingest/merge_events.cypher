// Upsert events: what, when, who; evidenced by their turn, involving their entities.
// Params: $rows [{id, user_id, user_key, turn_id, what, when, when_text, text, who}]
UNWIND $rows AS r
MATCH (t:Turn {id: r.turn_id, user_id: r.user_id}) USING INDEX t:Turn(id)
MERGE (ev:Event {id: r.id})
SET ev.user_id = r.user_id, ev.user_key = r.user_key, ev.what = r.what, ev.when = r.when,
    ev.when_text = r.when_text, ev.text = r.text, ev.turn_id = r.turn_id
MERGE (ev)-[:EVIDENCED_BY]->(t)
WITH ev, r
UNWIND r.who AS entity_id
MATCH (e:Entity {id: entity_id, user_id: r.user_id}) USING INDEX e:Entity(id)
MERGE (ev)-[:INVOLVES]->(e)
RETURN count(DISTINCT ev) AS events
