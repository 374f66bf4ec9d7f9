// LangGraph store: the items of one tenant, or of one namespace and those below it, newest
// first (the range index on Interaction.user_id serves the STARTS WITH).
// Params: $tenant_prefix ("<tenant>:"), $owner (the namespace prefix as an owner id, or null),
//         $limit
// Returns: id, user_id, namespace, key, value, created_at, updated_at
MATCH (i:Interaction)
WHERE i.user_id STARTS WITH $tenant_prefix AND i.store_key IS NOT NULL
  AND ($owner IS NULL OR i.user_id = $owner OR i.user_id STARTS WITH $owner + '.')
RETURN i.id AS id, i.user_id AS user_id, i.store_namespace AS namespace, i.store_key AS key,
       i.store_value AS value, i.store_created_at AS created_at,
       i.store_updated_at AS updated_at
ORDER BY updated_at DESC, id
LIMIT $limit
