// Close the validity of facts that a newer statement contradicts or replaces (never delete).
// Conflicting: same user, subject and predicate, and either the same object with the opposite
// polarity, or (single-valued predicates) two different objects both asserted positively.
// Multi-valued predicates only ever pair facts with the same object (index seek, not a scan of
// every fact of the subject). Symmetric in time, so batches may arrive in any order: the older
// fact of each conflicting pair ends where the newer begins. Statements made at the same
// instant stay open: that is a contradiction for the sheaf check, not an update.
// Params: $rows [{id, user_id}]
UNWIND $rows AS r
MATCH (x:Fact {id: r.id, user_id: r.user_id}) USING INDEX x:Fact(id)
CALL (x) {
  MATCH (y:Fact {user_id: x.user_id, subject_key: x.subject_key, predicate: x.predicate,
                 object: x.object})
  WHERE y.polarity <> x.polarity
  RETURN y
  UNION
  WITH x WHERE x.single_valued AND x.polarity
  MATCH (y:Fact {user_id: x.user_id, subject_key: x.subject_key, predicate: x.predicate})
  WHERE y.polarity AND y.object <> x.object
  RETURN y
}
WITH x, y
WHERE y.id <> x.id AND y.valid_from <> x.valid_from
WITH CASE WHEN x.valid_from < y.valid_from THEN x ELSE y END AS old,
     CASE WHEN x.valid_from < y.valid_from THEN y ELSE x END AS new
WHERE old.valid_to IS NULL OR old.valid_to > new.valid_from
SET old.valid_to = new.valid_from, old.superseded_by = new.id
MERGE (old)-[:SUPERSEDED_BY]->(new)
RETURN count(old) AS closed
