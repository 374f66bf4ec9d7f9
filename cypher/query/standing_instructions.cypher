// The owner's standing instructions to an assistant ("always answer in metric units"), newest
// first: turns ingest marked `standing` (ingest/extract/standing.py). Seeks the user's turns by
// the turn_user_only index.
// Params: $user_id, $as_of (datetime or null), $limit
// Returns: id, time (epoch ms)
MATCH (t:Turn {user_id: $user_id})
WHERE t.standing = true AND ($as_of IS NULL OR t.time IS NULL OR t.time <= $as_of)
RETURN t.id AS id, t.time.epochMillis AS time
ORDER BY time DESC, id
LIMIT $limit
