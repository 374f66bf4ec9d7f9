// LangGraph store: items by interaction id, each within its owner.
// Params: $rows [{id, user_id}]
// Returns: id, namespace, key, value, created_at, updated_at
UNWIND $rows AS r
MATCH (i:Interaction {id: r.id})
WHERE i.user_id = r.user_id AND i.store_key IS NOT NULL
RETURN i.id AS id, i.store_namespace AS namespace, i.store_key AS key, i.store_value AS value,
       i.store_created_at AS created_at, i.store_updated_at AS updated_at
