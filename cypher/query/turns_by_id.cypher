// Provenance of turns, for the answer.
// Params: $ids, $user_id
UNWIND $ids AS tid
MATCH (t:Turn {id: tid, user_id: $user_id})
RETURN t.id AS id, t.source_id AS source_id, t.interaction_id AS interaction_id,
       t.text AS text, t.time AS time, t.speaker AS speaker
