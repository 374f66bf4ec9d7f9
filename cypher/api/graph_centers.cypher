// Entities of a user named by id, normalised key or (case-insensitive) display name.
// Params: $user_id, $center, $key, $limit
// Returns: element_id, id, label, name, text, kind, time
MATCH (e:Entity {user_id: $user_id})
WHERE e.id = $center OR e.key = $key OR toLower(e.name) = toLower($center)
RETURN elementId(e) AS element_id, e.id AS id, 'Entity' AS label, e.name AS name,
       null AS text, e.kind AS kind, null AS time
ORDER BY id
LIMIT $limit
