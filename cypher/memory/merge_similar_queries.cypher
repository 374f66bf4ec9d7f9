// Query -SIMILAR_TO-> earlier query links decided in memory (users whose every earlier query is
// in the same ingest, see ingest.memory.InMemoryLinker), and those queries marked similar_at.
// Params: $rows [{a, b, score, user_id}], $done [{id, user_id}]
CALL () {
  UNWIND $rows AS r
  MATCH (a:Query {id: r.a}), (b:Query {id: r.b}) USING INDEX a:Query(id) USING INDEX b:Query(id)
  WHERE a.user_id = r.user_id AND b.user_id = r.user_id
  MERGE (a)-[l:SIMILAR_TO]->(b)
  SET l.score = r.score
  RETURN count(l) AS links
}
CALL (links) {
  UNWIND $done AS d
  MATCH (q:Query {id: d.id}) USING INDEX q:Query(id)
  WHERE q.user_id = d.user_id AND q.similar_at IS NULL
  SET q.similar_at = datetime()
}
RETURN links
