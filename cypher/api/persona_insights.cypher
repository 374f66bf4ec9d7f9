// A user's persona insights (traits), strongest support first, with the facts behind them.
// Consensus before trust (A-MemGuard): an insight is 'trusted' only when facts from at least two
// interactions support it and no fact contradicts it; one source, or a contradiction, keeps it
// a 'candidate'; retired ones are 'retired'. Read from the evidence, never stored, so it
// cannot drift.
// Params: $user_id, $limit
// Returns: id, text, subject, predicate, object, polarity, support, retired, supporting [fact
//          ids], contradicting [fact ids], sources (interactions behind it), status
MATCH (i:Insight {user_id: $user_id, kind: 'persona'})
WITH i,
     size(COLLECT { MATCH (i)-[:SUPPORTED_BY]->(:Fact {user_id: $user_id})-[:EVIDENCED_BY]->(t:Turn)
                    RETURN DISTINCT t.interaction_id }) AS sources,
     COUNT { (i)-[:CONTRADICTED_BY]->(:Fact {user_id: $user_id}) } AS against
RETURN i.id AS id, i.text AS text, i.subject AS subject, i.predicate AS predicate,
       i.object AS object, i.polarity AS polarity, i.support AS support,
       coalesce(i.retired, false) AS retired,
       COLLECT { MATCH (i)-[:SUPPORTED_BY]->(f:Fact {user_id: $user_id}) RETURN f.id }
         AS supporting,
       COLLECT { MATCH (i)-[:CONTRADICTED_BY]->(f:Fact {user_id: $user_id}) RETURN f.id }
         AS contradicting,
       sources AS sources,
       CASE WHEN coalesce(i.retired, false) THEN 'retired'
            WHEN sources >= 2 AND against = 0 THEN 'trusted'
            ELSE 'candidate' END AS status
ORDER BY support DESC, id
LIMIT $limit
