// Enrichment runs of one owner take turns in any process (memory/lease_enrichment): a run
// holds its owner's EnrichmentLease node's lock for its duration (the node is never
// committed). The constraint makes concurrent MERGEs of the same lease wait for each other.
CREATE CONSTRAINT enrichment_lease_user IF NOT EXISTS
FOR (l:EnrichmentLease) REQUIRE l.user_id IS UNIQUE;
