// Acknowledged writes: one EnrichmentPending node per user whose derived memory is behind its
// conversations (written in the same transaction as the conversations, deleted once enriched),
// so a restart resumes the backlog and the status route counts it.
CREATE CONSTRAINT enrichment_pending_user IF NOT EXISTS
FOR (p:EnrichmentPending) REQUIRE p.user_id IS UNIQUE;
