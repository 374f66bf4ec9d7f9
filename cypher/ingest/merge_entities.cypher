// Upsert entities resolved by normalised key; aliases accumulate without duplicates.
// Params: $rows [{id, user_id, user_key, key, name, kind, aliases}]
UNWIND $rows AS r
MERGE (e:Entity {id: r.id})
ON CREATE SET e.user_id = r.user_id, e.user_key = r.user_key, e.key = r.key, e.name = r.name,
              e.kind = r.kind, e.aliases = []
WITH e, r, [a IN r.aliases WHERE NOT a IN e.aliases] AS fresh
SET e.aliases = e.aliases + fresh
SET e.aliases_text = reduce(s = '', a IN e.aliases | s + ' ' + a)
RETURN count(e) AS entities
