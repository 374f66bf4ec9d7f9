// Enrichment of these users is done: their EnrichmentPending nodes go, unless a newer write
// marked them again meanwhile (then touched is later than what the enrichment started from).
// Params: $rows [{user_id, touched_ms}]
// Returns: cleared
UNWIND $rows AS r
MATCH (p:EnrichmentPending {user_id: r.user_id})
WHERE p.touched.epochMillis <= r.touched_ms
DELETE p
RETURN count(*) AS cleared
