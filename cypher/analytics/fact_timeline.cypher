// Persona facts of one user over time, per UTC day: facts asserted (valid_from) and facts
// superseded by a newer statement (valid_to; history is kept, never deleted).
// Params: $user_id
// Returns: day (ISO date), kind ('asserted' | 'superseded'), n
MATCH (f:Fact {user_id: $user_id})
UNWIND [{at: f.valid_from, kind: 'asserted'}, {at: f.valid_to, kind: 'superseded'}] AS ev
WITH ev
WHERE ev.at IS NOT NULL
RETURN toString(date(ev.at)) AS day, ev.kind AS kind, count(*) AS n
ORDER BY day, kind
