// Open contradictions of one user per UTC day of the later statement. Two open facts conflict
// when they share subject and predicate and either state the same object with opposite
// polarity, or (single-valued predicates) two different objects, both positively — the rule
// ingest uses to supersede, applied to statements made at the same instant, which stay open.
// Pairs are only formed inside (subject, predicate, object) groups, or inside the open positive
// single-valued facts of a (subject, predicate): linear in the user's facts, not quadratic.
// Params: $user_id
// Returns: day (ISO date), n
CALL () {
  MATCH (f:Fact {user_id: $user_id})
  WHERE f.valid_to IS NULL
  WITH f.subject_key AS s, f.predicate AS p, f.object AS o, collect(f) AS same
  WHERE size(same) > 1
  UNWIND same AS x
  UNWIND same AS y
  WITH x, y
  WHERE x.id < y.id AND x.polarity <> y.polarity
  RETURN x, y
  UNION ALL
  MATCH (f:Fact {user_id: $user_id})
  WHERE f.valid_to IS NULL AND f.single_valued AND f.polarity
  WITH f.subject_key AS s, f.predicate AS p, collect(f) AS open
  WHERE size(open) > 1
  UNWIND open AS x
  UNWIND open AS y
  WITH x, y
  WHERE x.id < y.id AND x.object <> y.object
  RETURN x, y
}
WITH CASE WHEN x.valid_from >= y.valid_from THEN x.valid_from ELSE y.valid_from END AS at
RETURN toString(date(at)) AS day, count(*) AS n
ORDER BY day
