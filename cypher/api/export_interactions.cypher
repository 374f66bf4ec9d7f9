// One page of a user's interactions with their messages, oldest first (the export order, so a
// re-import replays history in order). Same (t, id) cursor as list_interactions, ascending.
// With $id set, only that interaction (Strata's id or the one sent): deleting one message
// rewrites its interaction from this read.
// Params: $user_id, $after_t (int or null for the first page), $after_id, $limit, $oldest, $id
// Returns: id, source_id, started_at, t, via (how it came in), messages [{source_id, seq, speaker, role, text, time,
//          attachments, part}] ordered by seq (text is the raw message text; part > 0 is a
//          later passage of the message before it)
MATCH (i:Interaction {user_id: $user_id})
WHERE $id IS NULL OR i.id = $id OR i.source_id = $id
WITH i, coalesce(i.started_at.epochMillis, $oldest) AS t
WHERE $after_t IS NULL OR t > $after_t OR (t = $after_t AND i.id > $after_id)
WITH i, t
ORDER BY t, i.id
LIMIT $limit
CALL (i) {
  MATCH (i)-[:HAS_TURN]->(m:Turn {user_id: $user_id})
  WITH m ORDER BY m.seq
  RETURN collect({source_id: m.source_id, seq: m.seq, speaker: m.speaker, role: m.role,
                  text: m.raw_text, time: m.time, attachments: m.attachments,
                  attachments_json: m.attachments_json,
                  part: coalesce(m.part, 0)}) AS messages
}
RETURN i.id AS id, i.source_id AS source_id, i.started_at AS started_at, t AS t,
       i.imported_via AS via, messages AS messages
ORDER BY t, id
