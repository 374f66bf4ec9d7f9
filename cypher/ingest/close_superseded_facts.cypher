// Supersession follows validity: re-derive the chain of every (subject, predicate) group a
// batch touched, so the result depends on the facts alone, never on the order they arrived.
// Two facts conflict when they share user, subject and predicate and either have the same
// object with opposite polarity, or (single-valued predicates) different objects both asserted
// positively. Each fact is superseded by the EARLIEST later fact that conflicts with it: its
// validity ends there, it points there (one SUPERSEDED_BY edge at most), and an edge a fact
// kept from an earlier arrival order is removed. Statements made at the same instant stay
// open: that is a contradiction for the sheaf check, not an update. Never deletes a fact.
// Cost: one seek per fact of a touched group, plus a group scan per positive fact of a
// single-valued predicate (a 200,000-turn user's 1,500-fact 'likes' group took 80-150 s per
// batch when every fact scanned its whole group).
// Params: $rows [{id, user_id}]
// Returns: closed
UNWIND $rows AS r
MATCH (x:Fact {id: r.id, user_id: r.user_id}) USING INDEX x:Fact(id)
WITH DISTINCT x.user_id AS user_id, x.subject_key AS subject_key, x.predicate AS predicate
MATCH (old:Fact {user_id: user_id, subject_key: subject_key, predicate: predicate})
CALL (old) {
  // The two kinds of conflict, each from its own index seek, so a group of n facts costs
  // n seeks of the same object (not n x n rows): its negation (index with the object) ...
  CALL (old) {
    MATCH (y:Fact {user_id: old.user_id, subject_key: old.subject_key,
                   predicate: old.predicate, object: old.object})
      USING INDEX y:Fact(user_id, subject_key, predicate, object)
    WHERE y.valid_from > old.valid_from AND y.polarity <> old.polarity
    RETURN y
    UNION
    // ... and, for a positive single-valued fact only, a later positive other value.
    UNWIND CASE WHEN old.single_valued AND old.polarity THEN [1] ELSE [] END AS one
    MATCH (y:Fact {user_id: old.user_id, subject_key: old.subject_key,
                   predicate: old.predicate})
    WHERE y.valid_from > old.valid_from AND y.polarity AND y.object <> old.object
    RETURN y
  }
  WITH y ORDER BY y.valid_from, y.id
  RETURN collect(y)[0] AS next
}
CALL (old, next) {
  OPTIONAL MATCH (old)-[e:SUPERSEDED_BY]->(other)
  WHERE next IS NULL OR other <> next
  DELETE e
}
SET old.valid_to = next.valid_from, old.superseded_by = next.id
WITH old, next WHERE next IS NOT NULL
MERGE (old)-[:SUPERSEDED_BY]->(next)
RETURN count(old) AS closed
