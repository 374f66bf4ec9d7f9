// Turns an acknowledged ingest wrote without extraction carry extract_pending = true until
// enrichment extracts them (ingest/read_unextracted_turns seeks them per user).
CREATE INDEX turn_extract_pending IF NOT EXISTS
FOR (t:Turn) ON (t.user_id, t.extract_pending);
