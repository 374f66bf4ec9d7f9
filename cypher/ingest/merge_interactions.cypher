// Upsert interactions (sessions). Ids are stable hashes that embed the user id.
// Params: $rows [{id, user_id, user_key, source_id, started_at, text, turn_count, via,
//                 embedding}] (via: how it came in; the first arrival's is kept)
UNWIND $rows AS r
MERGE (i:Interaction:Unit {id: r.id})
SET i.user_id = r.user_id, i.user_key = r.user_key, i.source_id = r.source_id,
    i.started_at = r.started_at, i.text = r.text, i.turn_count = r.turn_count,
    i.imported_via = coalesce(i.imported_via, r.via)
WITH i, r
CALL db.create.setNodeVectorProperty(i, 'embedding', r.embedding)
RETURN count(i) AS interactions
