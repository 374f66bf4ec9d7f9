// Memory growth of one user per UTC day: turns by their time, interactions by their start.
// Undated units are left out (they have no place on a time axis). Weeks are summed in Python.
// Params: $user_id
// Returns: day (ISO date), kind ('turns' | 'interactions'), n
CALL () {
  MATCH (t:Turn {user_id: $user_id})
  WHERE t.time IS NOT NULL
  RETURN date(t.time) AS day, 'turns' AS kind
  UNION ALL
  MATCH (i:Interaction {user_id: $user_id})
  WHERE i.started_at IS NOT NULL
  RETURN date(i.started_at) AS day, 'interactions' AS kind
}
RETURN toString(day) AS day, kind AS kind, count(*) AS n
ORDER BY day, kind
