// LangGraph store: record the exact value of each item on the interaction that holds its text.
// Params: $rows [{id, user_id, namespace, key, value, now, created}] (value: JSON text; now:
//         epoch ms; created: the first put's time when the item is being rewritten, or null)
// Returns: items
UNWIND $rows AS r
MATCH (i:Interaction {id: r.id})
WHERE i.user_id = r.user_id
SET i.store_namespace = r.namespace, i.store_key = r.key, i.store_value = r.value,
    i.store_created_at = coalesce(r.created, i.store_created_at, r.now), i.store_updated_at = r.now
RETURN count(i) AS items
