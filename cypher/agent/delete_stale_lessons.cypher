// Drop the lessons of an owner that its runs no longer support (e.g. after an outcome changed).
// Params: $user_id, $keep [string] (ids of the lessons derived now)
// Returns: deleted
MATCH (l:Lesson {user_id: $user_id})
WHERE NOT l.id IN $keep
DETACH DELETE l
RETURN count(*) AS deleted
