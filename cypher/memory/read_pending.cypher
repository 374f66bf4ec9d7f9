// Users whose derived memory is behind (all of them, or those of one tenant, or the given ones),
// oldest first: whether an edit or a delete asks for a rebuild, and since when they wait.
// Params: $users (user ids, or null), $tenant_prefix ("<tenant>:", or null)
// Returns: user_id, rebuild, since_ms, touched_ms
MATCH (p:EnrichmentPending)
WHERE ($users IS NULL OR p.user_id IN $users)
  AND ($tenant_prefix IS NULL OR p.user_id STARTS WITH $tenant_prefix)
RETURN p.user_id AS user_id, coalesce(p.rebuild, false) AS rebuild,
       p.since.epochMillis AS since_ms, p.touched.epochMillis AS touched_ms
ORDER BY since_ms, user_id
