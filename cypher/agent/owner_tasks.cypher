// Every task of an owner with its text (input of the task similarity links).
// Params: $user_id
// Returns: id, text
MATCH (t:Task {user_id: $user_id})
RETURN t.id AS id, t.text AS text
ORDER BY id
