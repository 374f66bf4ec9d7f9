// Taken at the start of an enrichment run, in a transaction kept open for the run and rolled
// back at its end (graph.store.enrichment_lease): the EnrichmentLease node's write lock makes
// enrichment runs of one owner take turns in any process, while ingests (which take the
// owner's WriterLock, not this) go on. V017 makes the MERGE safe under concurrency. Owners
// come sorted, so two runs never wait on each other in a cycle.
// Params: $user_ids [string], sorted
// Returns: leased
UNWIND $user_ids AS u
MERGE (l:EnrichmentLease {user_id: u})
SET l.held = true
RETURN count(l) AS leased
