// Writers of one owner are serialised across processes: every write transaction first takes
// the owner's WriterLock node (ingest/lock_owners), and Neo4j holds that lock to commit. The
// constraint makes the MERGE that creates it safe under concurrency (one node per owner).
CREATE CONSTRAINT writer_lock_user IF NOT EXISTS
FOR (l:WriterLock) REQUIRE l.user_id IS UNIQUE;
