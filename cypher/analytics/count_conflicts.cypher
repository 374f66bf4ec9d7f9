// Open contradictions of one user per UTC day of the later statement. Two open facts conflict
// when they share subject and predicate and either state the same object with opposite
// polarity, or (single-valued predicates) two different objects, both positively — the rule
// ingest uses to supersede, applied to statements made at the same instant, which stay open.
// Params: $user_id
// Returns: day (ISO date), n
MATCH (x:Fact {user_id: $user_id})
WHERE x.subject_key IS NOT NULL AND x.predicate IS NOT NULL AND x.valid_to IS NULL
MATCH (y:Fact {user_id: $user_id, subject_key: x.subject_key, predicate: x.predicate})
WHERE y.valid_to IS NULL AND x.id < y.id
  AND ((y.object = x.object AND y.polarity <> x.polarity)
       OR (x.single_valued AND x.polarity AND y.polarity AND y.object <> x.object))
WITH CASE WHEN x.valid_from >= y.valid_from THEN x.valid_from ELSE y.valid_from END AS at
RETURN toString(date(at)) AS day, count(*) AS n
ORDER BY day
