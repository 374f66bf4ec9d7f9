// Upsert persona facts: one node per assertion, evidenced by its turn, about its subject.
// Params: $rows [{id, user_id, user_key, turn_id, subject_id, subject_key, subject, predicate,
//                 object, polarity, confidence, valid_from, single_valued, text, embedding}]
UNWIND $rows AS r
MATCH (t:Turn {id: r.turn_id, user_id: r.user_id}) USING INDEX t:Turn(id)
MATCH (s:Entity {id: r.subject_id, user_id: r.user_id}) USING INDEX s:Entity(id)
MERGE (f:Fact:Unit {id: r.id})
ON CREATE SET f.valid_to = null
SET f.user_id = r.user_id, f.user_key = r.user_key, f.subject_key = r.subject_key,
    f.subject = r.subject, f.predicate = r.predicate, f.object = r.object,
    f.polarity = r.polarity, f.confidence = r.confidence, f.valid_from = r.valid_from,
    f.single_valued = r.single_valued, f.text = r.text, f.turn_id = r.turn_id
MERGE (f)-[:EVIDENCED_BY]->(t)
MERGE (f)-[:ABOUT]->(s)
WITH f, r
CALL db.create.setNodeVectorProperty(f, 'embedding', r.embedding)
RETURN count(f) AS facts
