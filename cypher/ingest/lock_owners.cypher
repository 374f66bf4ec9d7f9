// The first statement of every write transaction of owned memory: take each owner's
// WriterLock (created on first use; V015 makes it unique). Neo4j keeps the write lock until
// the transaction ends, so writers of one owner wait for each other in any process or on any
// machine, while different owners still write in parallel. Owners come sorted, so two
// transactions never wait on each other in a cycle.
// Params: $user_ids [string], sorted
// Returns: locked
UNWIND $user_ids AS u
MERGE (l:WriterLock {user_id: u})
SET l.locked = true  // a write: it takes the node's exclusive lock (a match alone does not)
RETURN count(l) AS locked
