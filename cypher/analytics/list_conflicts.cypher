// The newest open contradictions of one user (same rule as analytics/count_conflicts), both
// sides with their evidence turn, newest first.
// Params: $user_id, $limit
// Returns: subject, predicate, a {id, object, polarity, valid_from, text, turn_id},
//          b {id, object, polarity, valid_from, text, turn_id}
MATCH (x:Fact {user_id: $user_id})
WHERE x.subject_key IS NOT NULL AND x.predicate IS NOT NULL AND x.valid_to IS NULL
MATCH (y:Fact {user_id: $user_id, subject_key: x.subject_key, predicate: x.predicate})
WHERE y.valid_to IS NULL AND x.id < y.id
  AND ((y.object = x.object AND y.polarity <> x.polarity)
       OR (x.single_valued AND x.polarity AND y.polarity AND y.object <> x.object))
WITH x, y, CASE WHEN x.valid_from >= y.valid_from THEN x.valid_from ELSE y.valid_from END AS at
ORDER BY at DESC, x.id, y.id
LIMIT $limit
RETURN x.subject AS subject, x.predicate AS predicate,
       {id: x.id, object: x.object, polarity: x.polarity, valid_from: toString(x.valid_from),
        text: x.text, turn_id: x.turn_id} AS a,
       {id: y.id, object: y.object, polarity: y.polarity, valid_from: toString(y.valid_from),
        text: y.text, turn_id: y.turn_id} AS b
