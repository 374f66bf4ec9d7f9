// One page of a user's interactions, newest first. The cursor is the last row's (t, id): t is
// started_at in epoch milliseconds, or $oldest when unknown (those come last), and id breaks
// ties, so pages never repeat or skip a row while others are added.
// Params: $user_id, $before_t (int or null for the first page), $before_id, $limit, $oldest
// Returns: id, source_id, started_at, turn_count, preview, t
MATCH (i:Interaction {user_id: $user_id})
WITH i, coalesce(i.started_at.epochMillis, $oldest) AS t
WHERE $before_t IS NULL OR t < $before_t OR (t = $before_t AND i.id < $before_id)
RETURN i.id AS id, i.source_id AS source_id, i.started_at AS started_at,
       i.turn_count AS turn_count, left(coalesce(i.text, ''), 200) AS preview, t AS t
ORDER BY t DESC, id DESC
LIMIT $limit
