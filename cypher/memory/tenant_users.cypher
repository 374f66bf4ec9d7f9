// The users of one tenant that have memory (the range index on Interaction.user_id serves the
// STARTS WITH).
// Params: $tenant_prefix ("<tenant>:")
// Returns: user_id
MATCH (i:Interaction)
WHERE i.user_id STARTS WITH $tenant_prefix
RETURN DISTINCT i.user_id AS user_id
ORDER BY user_id
