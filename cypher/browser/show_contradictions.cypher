// Strata · 3 · contradictions and supersessions
// Open facts that contradict each other (same subject and predicate, same object with opposite
// polarity, or two values of a single-valued predicate), and every supersession chain.
// Set the user first:  :param user_id => 'default:alice'
MATCH (x:Fact {user_id: $user_id})
WHERE x.valid_to IS NULL
MATCH (y:Fact {user_id: $user_id, subject_key: x.subject_key, predicate: x.predicate})
WHERE y.valid_to IS NULL AND x.id < y.id
  AND ((y.object = x.object AND y.polarity <> x.polarity)
       OR (x.single_valued AND x.polarity AND y.polarity AND y.object <> x.object))
MATCH cx = (x)-[:EVIDENCED_BY]->(:Turn), cy = (y)-[:EVIDENCED_BY]->(:Turn)
RETURN cx AS conflict_a, cy AS conflict_b, null AS chain
UNION
MATCH chain = (:Fact {user_id: $user_id})-[:SUPERSEDED_BY]->(:Fact)
RETURN null AS conflict_a, null AS conflict_b, chain
