// Provenance of turns, for the answer.
// Params: $ids, $user_id
// Returns ONE row: turns, a list of {id, source_id, interaction_id, text, time (epoch ms),
//          speaker, role, offset (where the passage starts in its message), flags, via}
UNWIND $ids AS tid
MATCH (t:Turn {id: tid, user_id: $user_id})
RETURN collect({id: t.id, source_id: t.source_id, interaction_id: t.interaction_id,
                text: t.text, time: t.time.epochMillis, speaker: t.speaker,
                role: t.role, offset: coalesce(t.offset, 0), flags: coalesce(t.flags, []),
                via: t.imported_via})
       AS turns
