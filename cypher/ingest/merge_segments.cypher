// Upsert segments (topical windows of an interaction); merge_segment_turns links their turns.
// Params: $rows [{id, user_id, user_key, interaction_id, start_seq, end_seq, time, text,
//                 turn_ids, embedding}]
UNWIND $rows AS r
MATCH (i:Interaction {id: r.interaction_id, user_id: r.user_id}) USING INDEX i:Interaction(id)
MERGE (s:Segment:Unit {id: r.id})
SET s.user_id = r.user_id, s.user_key = r.user_key, s.interaction_id = r.interaction_id,
    s.start_seq = r.start_seq, s.end_seq = r.end_seq, s.time = r.time, s.text = r.text
MERGE (i)-[:HAS_SEGMENT]->(s)
WITH s, r
CALL db.create.setNodeVectorProperty(s, 'embedding', r.embedding)
RETURN count(s) AS segments
