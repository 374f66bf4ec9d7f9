// Supersession follows validity: re-derive the chain of every (subject, predicate) group a
// batch touched, so the result depends on the facts alone, never on the order they arrived.
// Two facts conflict when they share user, subject and predicate and either have the same
// object with opposite polarity, or (single-valued predicates) different objects both asserted
// positively. Each fact is superseded by the EARLIEST later fact that conflicts with it: its
// validity ends there, it points there (one SUPERSEDED_BY edge at most), and an edge a fact
// kept from an earlier arrival order is removed. Statements made at the same instant stay
// open: that is a contradiction for the sheaf check, not an update. Never deletes a fact.
// Params: $rows [{id, user_id}]
// Returns: closed
UNWIND $rows AS r
MATCH (x:Fact {id: r.id, user_id: r.user_id}) USING INDEX x:Fact(id)
WITH DISTINCT x.user_id AS user_id, x.subject_key AS subject_key, x.predicate AS predicate
MATCH (old:Fact {user_id: user_id, subject_key: subject_key, predicate: predicate})
CALL (old) {
  OPTIONAL MATCH (y:Fact {user_id: old.user_id, subject_key: old.subject_key,
                          predicate: old.predicate})
  WHERE y.valid_from > old.valid_from
    AND ((y.object = old.object AND y.polarity <> old.polarity)
         OR (old.single_valued AND old.polarity AND y.polarity AND y.object <> old.object))
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
