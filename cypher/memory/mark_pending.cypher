// The users of a batch now have conversations their derived memory does not reflect yet: one
// EnrichmentPending node each (written in the batch's own transaction): since = the oldest
// write waiting, touched = the newest.
// Params: $rows [{user_id}]
// Returns: pending
UNWIND $rows AS r
MERGE (p:EnrichmentPending {user_id: r.user_id})
ON CREATE SET p.since = datetime()
SET p.touched = datetime()
RETURN count(p) AS pending
