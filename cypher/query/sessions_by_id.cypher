// Sessions (interactions) as answer units, for summary questions: their text (the first 8,000
// characters of the session, as indexed) and span.
// Params: $ids, $user_id
// Returns ONE row: sessions, a list of {id, source_id, started_at (epoch ms), turns, text}
UNWIND $ids AS iid
MATCH (i:Interaction {id: iid, user_id: $user_id})
RETURN collect({id: i.id, source_id: i.source_id, started_at: i.started_at.epochMillis,
                turns: i.turn_count, text: i.text}) AS sessions
