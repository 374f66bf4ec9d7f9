// A user's persona insights (traits), strongest support first, with the facts behind them.
// Params: $user_id, $limit
// Returns: id, text, subject, predicate, object, polarity, support, retired, supporting [fact
//          ids], contradicting [fact ids]
MATCH (i:Insight {user_id: $user_id, kind: 'persona'})
RETURN i.id AS id, i.text AS text, i.subject AS subject, i.predicate AS predicate,
       i.object AS object, i.polarity AS polarity, i.support AS support,
       coalesce(i.retired, false) AS retired,
       COLLECT { MATCH (i)-[:SUPPORTED_BY]->(f:Fact {user_id: $user_id}) RETURN f.id }
         AS supporting,
       COLLECT { MATCH (i)-[:CONTRADICTED_BY]->(f:Fact {user_id: $user_id}) RETURN f.id }
         AS contradicting
ORDER BY support DESC, id
LIMIT $limit
