// The newest open contradictions of one user (same rule and same pairing as
// analytics/count_conflicts), both sides with their evidence turn, newest first.
// Params: $user_id, $limit
// Returns: subject, predicate, a {id, object, polarity, valid_from, text, turn_id},
//          b {id, object, polarity, valid_from, text, turn_id}
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
WITH x, y, CASE WHEN x.valid_from >= y.valid_from THEN x.valid_from ELSE y.valid_from END AS at
ORDER BY at DESC, x.id, y.id
LIMIT $limit
RETURN x.subject AS subject, x.predicate AS predicate,
       {id: x.id, object: x.object, polarity: x.polarity, valid_from: toString(x.valid_from),
        text: x.text, turn_id: x.turn_id} AS a,
       {id: y.id, object: y.object, polarity: y.polarity, valid_from: toString(y.valid_from),
        text: y.text, turn_id: y.turn_id} AS b
