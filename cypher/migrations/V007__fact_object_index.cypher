// Contradiction and update checks on multi-valued predicates ("likes") only pair facts with
// the same object: index it, so a user with thousands of likes is not compared pairwise.
CREATE INDEX fact_object IF NOT EXISTS FOR (n:Fact) ON (n.user_id, n.subject_key, n.predicate, n.object);
