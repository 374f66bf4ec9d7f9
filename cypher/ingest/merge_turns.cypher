// Upsert turns and attach them to their interaction (same user only).
// Params: $rows [{id, user_id, user_key, interaction_id, seq, speaker, role, text, raw_text,
//                 attachments, attachments_json, time, source_id, part, offset,
//                 flags, flag_spans, standing, via, extracted, embedding}] (part, offset: the
//                 passage of a long message, 0 and 0 when whole; flags: ['instruction'] or [],
//                 with their spans; standing: a standing instruction to the assistant;
//                 extracted: the batch carries the turn's extraction, else a new or edited
//                 turn is marked extract_pending for enrichment)
UNWIND $rows AS r
MATCH (i:Interaction {id: r.interaction_id, user_id: r.user_id}) USING INDEX i:Interaction(id)
MERGE (t:Turn:Unit {id: r.id})
WITH i, t, r,
     t.raw_text IS NULL OR t.raw_text <> r.raw_text
     OR coalesce(t.attachments_json, '') <> coalesce(r.attachments_json, '') AS changed
SET t.extract_pending = CASE WHEN r.extracted THEN null WHEN changed THEN true
                             ELSE t.extract_pending END,
    t.user_id = r.user_id, t.user_key = r.user_key, t.interaction_id = r.interaction_id,
    t.seq = r.seq, t.speaker = r.speaker, t.role = r.role, t.text = r.text, t.context = r.context,
    t.raw_text = r.raw_text, t.attachments = r.attachments,
    t.attachments_json = r.attachments_json, t.time = r.time,
    t.source_id = r.source_id, t.part = r.part, t.offset = r.offset,
    t.flags = r.flags, t.flag_spans = r.flag_spans, t.standing = r.standing,
    t.imported_via = coalesce(t.imported_via, r.via)
MERGE (i)-[:HAS_TURN]->(t)
WITH t, r
CALL db.create.setNodeVectorProperty(t, 'embedding', r.embedding)
RETURN count(t) AS turns
