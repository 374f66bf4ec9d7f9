// Turns of one user whose extraction an acknowledged ingest left to enrichment, a chunk at a
// time, each with every speaker of its interaction (the people its extraction knows).
// Params: $user_id, $limit
// Returns: id, interaction_id, user_id, seq, speaker, role, raw_text, time, source_id,
//          attachments, attachments_json, part, offset, flags, flag_spans, speakers
MATCH (t:Turn)
WHERE t.user_id = $user_id AND t.extract_pending = true
WITH t ORDER BY t.interaction_id, t.seq LIMIT $limit
MATCH (i:Interaction {id: t.interaction_id, user_id: $user_id}) USING INDEX i:Interaction(id)
RETURN t.id AS id, t.interaction_id AS interaction_id, t.user_id AS user_id, t.seq AS seq,
       t.speaker AS speaker, t.role AS role, t.raw_text AS raw_text, t.time AS time,
       t.source_id AS source_id, t.attachments AS attachments,
       t.attachments_json AS attachments_json, t.part AS part, t.offset AS offset,
       t.flags AS flags, t.flag_spans AS flag_spans,
       COLLECT { MATCH (i)-[:HAS_TURN]->(o:Turn) RETURN DISTINCT o.speaker } AS speakers
