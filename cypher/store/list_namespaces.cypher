// LangGraph store: every namespace of one tenant that holds items.
// Params: $tenant_prefix ("<tenant>:")
// Returns: namespace
MATCH (i:Interaction)
WHERE i.user_id STARTS WITH $tenant_prefix AND i.store_key IS NOT NULL
RETURN DISTINCT i.store_namespace AS namespace
ORDER BY namespace
